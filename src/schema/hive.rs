//! Glue/Hive type strings back into the lattice: the types of columns already in a catalog, and
//! `crawl --type col=TYPE`. The inverse of `DataType`'s `Display`.

use super::{DataType, Field};

/// Parses `bigint`, `decimal(10,2)`, `array<struct<a:int,b:string>>`, `map<string,double>`.
/// Spelling is case-insensitive; `integer` and `decimal` (Hive's `decimal(10,0)`) are accepted.
/// Types outside the lattice (`varchar(10)`, `char`, `interval`, `uniontype`) are errors: the
/// caller keeps such a column's type as written.
pub fn parse_hive_type(text: &str) -> Result<DataType, String> {
    let mut parser = Parser {
        text,
        pos: 0,
        depth: 0,
    };
    let ty = parser.parse_type()?;
    parser.skip_space();
    if parser.pos != text.len() {
        return Err(parser.error("unexpected text after the type"));
    }
    Ok(ty)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

/// Glue allows 131072-byte type strings; nesting this deep is not a schema anyone means.
const MAX_DEPTH: usize = 100;

impl<'a> Parser<'a> {
    fn error(&self, message: &str) -> String {
        format!("{message} at byte {} of {:?}", self.pos, self.text)
    }

    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn skip_space(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.skip_space();
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            Ok(())
        } else {
            Err(self.error(&format!("expected '{c}'")))
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        let found = self.rest().starts_with(c);
        if found {
            self.pos += c.len_utf8();
        }
        found
    }

    fn word(&mut self) -> &'a str {
        self.skip_space();
        let text: &'a str = self.text;
        let rest = &text[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let word = &text[self.pos..self.pos + len];
        self.pos += len;
        word
    }

    fn number(&mut self) -> Result<u32, String> {
        let word = self.word();
        word.parse()
            .map_err(|_| format!("expected a number, found {word:?} in {:?}", self.text))
    }

    fn parse_type(&mut self) -> Result<DataType, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("type nested too deeply"));
        }
        let start = self.pos;
        let name = self.word().to_ascii_lowercase();
        let ty = match name.as_str() {
            "boolean" => DataType::Boolean,
            "tinyint" => DataType::Tinyint,
            "smallint" => DataType::Smallint,
            "int" | "integer" => DataType::Int,
            "bigint" => DataType::Bigint,
            "float" => DataType::Float,
            "double" => DataType::Double,
            "string" => DataType::String,
            "date" => DataType::Date,
            "timestamp" => DataType::Timestamp,
            "binary" => DataType::Binary,
            "decimal" => {
                let (precision, scale) = if self.eat('(') {
                    let precision = self.number()?;
                    self.expect(',')?;
                    let scale = self.number()?;
                    self.expect(')')?;
                    (precision, scale)
                } else {
                    (10, 0)
                };
                if !(1..=38).contains(&precision) || scale > precision {
                    self.pos = start;
                    return Err(
                        self.error("decimal precision must be 1..=38 and scale ≤ precision")
                    );
                }
                DataType::Decimal {
                    precision: precision as u8,
                    scale: scale as i8,
                }
            }
            "array" => {
                self.expect('<')?;
                let element = self.parse_type()?;
                self.expect('>')?;
                DataType::Array(Box::new(element))
            }
            "map" => {
                self.expect('<')?;
                let key = self.parse_type()?;
                self.expect(',')?;
                let value = self.parse_type()?;
                self.expect('>')?;
                DataType::Map(Box::new(key), Box::new(value))
            }
            "struct" => {
                self.expect('<')?;
                let mut fields: Vec<Field> = Vec::new();
                if !self.eat('>') {
                    loop {
                        let name = self.field_name()?;
                        self.expect(':')?;
                        let ty = self.parse_type()?;
                        fields.push(Field::new(name, ty));
                        if self.eat('>') {
                            break;
                        }
                        self.expect(',')?;
                    }
                }
                DataType::Struct(fields)
            }
            "" => return Err(self.error("expected a type")),
            other => {
                self.pos = start;
                return Err(self.error(&format!("{other:?} is not a type lakeops knows")));
            }
        };
        self.depth -= 1;
        Ok(ty)
    }

    /// A struct field name: anything up to the `:` (Glue keeps `-`, spaces and dots in names);
    /// or backquoted as Hive DDL writes it, a doubled backquote standing for one.
    fn field_name(&mut self) -> Result<String, String> {
        self.skip_space();
        let rest = self.rest();
        if let Some(quoted) = rest.strip_prefix('`') {
            let mut name = String::new();
            let mut chars = quoted.char_indices();
            loop {
                match chars.next() {
                    None => return Err(self.error("unterminated `name`")),
                    Some((i, '`')) => {
                        if quoted[i + 1..].starts_with('`') {
                            chars.next();
                            name.push('`');
                        } else {
                            self.pos += 1 + i + 1;
                            return Ok(name);
                        }
                    }
                    Some((_, c)) => name.push(c),
                }
            }
        }
        let end = rest
            .find([':', ',', '<', '>'])
            .ok_or_else(|| self.error("expected name:type"))?;
        let name = rest[..end].trim();
        if name.is_empty() {
            return Err(self.error("expected a field name"));
        }
        let name = name.to_owned();
        self.pos += end;
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_display_spelling() {
        for text in [
            "boolean",
            "tinyint",
            "smallint",
            "int",
            "bigint",
            "float",
            "double",
            "decimal(38,0)",
            "decimal(10,2)",
            "string",
            "date",
            "timestamp",
            "binary",
            "array<string>",
            "array<struct<x:int,y:double>>",
            "struct<detail-type:string,a b:array<int>>",
            "map<string,array<bigint>>",
        ] {
            let ty = parse_hive_type(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(ty.to_string(), text);
        }
    }

    #[test]
    fn accepts_other_spellings() {
        assert_eq!(parse_hive_type("INTEGER").unwrap(), DataType::Int);
        assert_eq!(
            parse_hive_type("decimal").unwrap(),
            DataType::Decimal {
                precision: 10,
                scale: 0
            }
        );
        assert_eq!(
            parse_hive_type("struct< a : int , `b:c` : string >")
                .unwrap()
                .to_string(),
            "struct<a:int,`b:c`:string>"
        );
    }

    /// The open `hive_type` fuzz finding: `struct< a: int , `< c` : string >` and
    /// `struct< a : int , `` : string >` parsed, but displayed as text that did not parse back.
    #[test]
    fn fuzz_hive_type_field_names_that_need_quoting_round_trip() {
        for (name, shown) in [
            ("< c", "`< c`"),
            ("", "``"),
            (" padded ", "` padded `"),
            ("k:v", "`k:v`"),
            ("a,b", "`a,b`"),
            ("x>y", "`x>y`"),
            ("back`quote", "`back``quote`"),
            ("`", "````"),
            ("detail-type", "detail-type"),
            ("a b.c$é", "a b.c$é"),
        ] {
            let ty = DataType::Struct(vec![
                Field::new("a", DataType::Int),
                Field::new(name, DataType::Array(Box::new(DataType::String))),
            ]);
            let text = ty.to_string();
            assert_eq!(text, format!("struct<a:int,{shown}:array<string>>"));
            assert_eq!(parse_hive_type(&text), Ok(ty), "{text}");
        }
        for crash in [
            "struct< a: int , `< c` : string >",
            "struct< a : int , `` : string >",
        ] {
            let ty = parse_hive_type(crash).unwrap();
            assert_eq!(parse_hive_type(&ty.to_string()), Ok(ty), "{crash}");
        }
        assert!(parse_hive_type("struct<`a``:int>").is_err(), "unterminated");
    }

    #[test]
    fn rejects_what_it_cannot_represent() {
        for text in [
            "varchar(10)",
            "array<",
            "array<int",
            "struct<a int>",
            "decimal(40,2)",
            "int extra",
            "",
        ] {
            assert!(parse_hive_type(text).is_err(), "{text:?} should not parse");
        }
        let deep = "array<".repeat(10_000) + "int" + &">".repeat(10_000);
        assert!(
            parse_hive_type(&deep).is_err(),
            "deep nesting is an error, not a stack overflow"
        );
    }
}
