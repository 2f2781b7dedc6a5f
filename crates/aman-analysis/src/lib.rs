//! aman-analysis
