//! The built-in MCP tool servers (rmcp). Thin layers over bot-core's services: every tool
//! acts for the user its session was opened for, never for a user named in an argument.
//! `serve` exposes them to outside MCP clients over stdio or Streamable HTTP.

pub mod serve;
mod tracker;
mod views;

pub use tracker::TrackerTools;
pub use views::{ApplicationView, EventView};

/// Longest text accepted in any string argument; longer is an invalid-params error.
pub(crate) const MAX_TEXT: usize = 4000;
/// Longest name (company, role, source) accepted.
pub(crate) const MAX_NAME: usize = 200;
