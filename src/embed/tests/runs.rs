//! Whole runs: embedding starts before the listing ends, and encoder errors keep their cause.

use super::*;

/// Issue 14: a run embeds inputs as they are listed. The second folder is listed only once the
/// first input's chunks were embedded, so a run that waited for the whole listing never starts,
/// and the test fails at the bounded wait below rather than hanging.
#[test]
fn embedding_starts_before_the_listing_ends() {
    use crate::storage::discover::Listed;
    use crate::storage::Store;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("in");
    let text = "{\"text\": \"Data lakes hold documents.\"}\n";
    for key in ["a/x.jsonl", "b/y.jsonl"] {
        std::fs::create_dir_all(root.join(key).parent().unwrap()).unwrap();
        std::fs::write(root.join(key), text).unwrap();
    }
    let store = std::sync::Arc::new(Store::local(&root));
    let listed = |key: &str| Listed::at(&store, key, text.len() as u64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut options = options(&tiny_model(), None);
    let out = dir.path().join("out");
    options.output = std::sync::Arc::new(crate::storage::Store::local(&out));
    let (embedder, _) = Embedder::load(&options).unwrap();
    let (listing, batches) = tokio::sync::mpsc::channel(4);
    let inputs = input::Inputs::streamed(
        batches,
        runtime.handle().clone(),
        &options.output,
        Default::default(),
    );
    let (started_tx, started) = std::sync::mpsc::channel();
    let progress = crate::progress::FirstAdvance::new(started_tx);
    let cancel = AtomicBool::new(false);
    let (started, report) = std::thread::scope(|scope| {
        let embedding = scope.spawn(|| {
            run(
                inputs,
                &options,
                &embedder,
                runtime.handle(),
                &progress,
                &cancel,
            )
        });
        listing
            .blocking_send(Ok(vec![listed("b/y.jsonl")]))
            .unwrap();
        let started = started.recv_timeout(std::time::Duration::from_secs(120));
        // Listed out of report order, as folders are.
        let _ = listing.blocking_send(Ok(vec![listed("a/x.jsonl")]));
        drop(listing);
        (started, embedding.join().unwrap())
    });
    assert!(
        started.is_ok(),
        "no input was embedded before the listing ended"
    );
    let report = report.expect("embedding succeeds");
    let inputs: Vec<&str> = report.inputs.iter().map(|r| r.input.as_str()).collect();
    let url = |key: &str| store.url(key);
    assert_eq!(
        inputs,
        [url("a/x.jsonl"), url("b/y.jsonl")],
        "reports in key order"
    );
    assert_eq!(report.chunks, 2);
    for output in ["a/x.parquet", "b/y.parquet"] {
        assert!(out.join(output).is_file(), "{output}");
    }
}

#[test]
fn an_encoder_error_keeps_candles_error_as_its_cause_without_the_backtrace() {
    use candle_core::Error;
    let traced = |inner: Error| Error::WithBacktrace {
        inner: Box::new(inner),
        backtrace: Box::new(std::backtrace::Backtrace::force_capture()),
    };
    let outer = traced(Error::Msg("out of memory".into()).with_path("w.safetensors"));
    let inner = traced(Error::Msg("out of memory".into())).with_path("w.safetensors");
    for error in [outer, inner] {
        let error = super::embedder::compute(error);
        assert_eq!(
            crate::error::chain_text(&error),
            "the encoder failed: path: \"w.safetensors\" out of memory"
        );
        crate::error::assert_causes_shown_once(&error);
    }
}
