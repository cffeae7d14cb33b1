//! The chunker against LangChain's output, and MPNet's relative-position buckets.

use super::*;

#[test]
fn chunks_match_langchain_recursive_character_splitter() {
    let cases = jsonl(&fixtures().join("chunking/reference-recursive.jsonl"));
    assert_eq!(cases.len(), 14);
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let splitter = Splitter {
            size: case["chunk_size"].as_u64().unwrap() as usize,
            overlap: case["chunk_overlap"].as_u64().unwrap() as usize,
            length: &Chars,
        };
        let chunks = splitter.split(text);
        let got: Vec<&str> = chunks.iter().map(|c| &text[c.bytes.clone()]).collect();
        let want: Vec<&str> = case["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(got, want, "case {}", case["id"]);
        for chunk in &chunks {
            // chunk_start counts characters, not bytes.
            let by_chars: String = text.chars().skip(chunk.char_start).collect();
            assert!(
                by_chars.starts_with(&text[chunk.bytes.clone()]),
                "case {}",
                case["id"]
            );
        }
    }
}

#[test]
fn chunk_start_is_in_characters_for_multibyte_text() {
    let text = "日本語 ".repeat(400);
    let splitter = Splitter {
        size: 100,
        overlap: 10,
        length: &Chars,
    };
    let chunks = splitter.split(&text);
    assert!(chunks.len() > 10);
    for chunk in chunks {
        assert!(text[chunk.bytes.clone()].chars().count() <= 100);
        assert_eq!(text[..chunk.bytes.start].chars().count(), chunk.char_start);
    }
}

#[test]
fn a_huge_chunk_size_gives_one_stripped_chunk_per_document() {
    let splitter = Splitter {
        size: usize::MAX / 2,
        overlap: 0,
        length: &Chars,
    };
    let chunks = splitter.split("  one\n\ntwo  ");
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].bytes, 2..10);
    assert!(splitter.split(" \n\t ").is_empty());
}

#[test]
fn relative_position_buckets_follow_the_mpnet_thresholds() {
    let expect = |n: i64| -> u32 {
        let m = n.unsigned_abs();
        let magnitude = match m {
            0..=7 => m,
            8..=11 => 8,
            12..=15 => 9,
            16..=22 => 10,
            23..=31 => 11,
            32..=45 => 12,
            46..=63 => 13,
            64..=90 => 14,
            _ => 15,
        } as u32;
        magnitude + if n < 0 { 16 } else { 0 }
    };
    for n in -1000..1000 {
        assert_eq!(relative_bucket(n), expect(n), "n = {n}");
    }
    // Row = query, column = key; n = query - key, so a key after the query is in the upper half.
    let table = relative_buckets(3);
    assert_eq!(table, vec![0, 17, 18, 1, 0, 17, 2, 1, 0]);
}
