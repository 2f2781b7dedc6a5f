//! Access to the shared real-data folder (`../shared/data` next to the repository).

use std::path::PathBuf;

/// The folder `name` of the shared data directory; panics with a message naming the missing
/// folder if it is not there.
pub fn dir(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let dir = root.join(name);
    assert!(
        dir.is_dir(),
        "test data folder {} is missing: these tests read the shared real-data folder \
         ../shared/data next to the repository (see DESIGN.md, \"Real data\")",
        dir.display()
    );
    dir
}
