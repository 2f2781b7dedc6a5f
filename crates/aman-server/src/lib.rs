//! aman serve
