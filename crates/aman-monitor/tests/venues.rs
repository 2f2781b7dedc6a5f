//! The shipped venues (`venues/` at the repository root) read without errors, with the values
//! they were drawn with.

use std::path::PathBuf;

use aman_monitor::read_venue;

fn venue_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../venues")
        .join(name)
        .join("venue.toml")
}

#[test]
fn dump() {
    for n in ["sib2023-entrance"] {
        match read_venue(&venue_path(n)) {
            Ok(v) => {
                for z in &v.zones { println!("{} area {} walkable {}", z.id, z.area.area(), z.walkable_m2); }
                for l in &v.lines { println!("{} len {} width {}", l.id, l.segment.length(), l.width); }
                println!("{:#?}", v.warnings);
            }
            Err(e) => println!("{e}"),
        }
    }
}
