//! Unit tests of the venue file reader.
