//! The built-in MCP tool servers (rmcp): `tracker` and `reminders`, thin layers over
//! bot-core's services. Every tool acts for the user its session was opened for, never for
//! a user named in an argument. `serve` exposes them to outside MCP clients.

mod args;
mod reminders;
pub mod serve;
mod tracker;
mod views;

pub(crate) use reminders::MAX_SNOOZE_DAYS;
pub use reminders::{NudgeSettings, ReminderList};
pub use tracker::{ApplicationDetail, ApplicationList, TrackResult};
pub use views::ReminderView;

use crate::preferences::NudgePreferences;
use crate::store::Store;
use crate::tracker::Tracker;
use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{
    Implementation, ListResourcesResult, PaginatedRequestParams, ReadResourceRequestParams,
    ReadResourceResponse, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool_handler};

/// Longest text accepted in any string argument; longer is an invalid-params error.
pub(crate) const MAX_TEXT: usize = 4000;
/// Longest name (company, role, source) accepted.
pub(crate) const MAX_NAME: usize = 200;

/// Which built-in server a [`BuiltinTools`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinServer {
    /// Applications, status, timeline (with resources).
    Tracker,
    /// Reminders: create, list, snooze, complete, cancel.
    Reminders,
    /// Both, as one server: what `jtp mcp serve` offers outside clients.
    All,
}

impl BuiltinServer {
    /// The server's name, which the orchestrator uses as its namespace.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinServer::Tracker => "tracker",
            BuiltinServer::Reminders => "reminders",
            BuiltinServer::All => "jobtrackerpro",
        }
    }
}

/// A built-in MCP server for one user. Built per session; the user is fixed at construction.
#[derive(Clone)]
pub struct BuiltinTools {
    server: BuiltinServer,
    store: Store,
    tracker: Tracker,
    user_id: i64,
    tz: Tz,
    tool_router: ToolRouter<Self>,
}

impl BuiltinTools {
    /// The `server` tools acting for `user_id`, with local dates and times in `tz`.
    pub fn new(server: BuiltinServer, store: Store, user_id: i64, tz: Tz) -> Self {
        let tool_router = match server {
            BuiltinServer::Tracker => Self::tracker_router(),
            BuiltinServer::Reminders => Self::reminders_router(),
            BuiltinServer::All => Self::tracker_router() + Self::reminders_router(),
        };
        Self {
            server,
            tracker: Tracker::new(store.clone()),
            store,
            user_id,
            tz,
            tool_router,
        }
    }

    fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.tz).date_naive()
    }

    /// The acting person's nudge settings (defaults where they set nothing).
    async fn nudge_preferences(&self) -> Result<NudgePreferences, rmcp::ErrorData> {
        Ok(self
            .store
            .nudge_preferences(&[self.user_id])
            .await
            .map_err(args::internal)?
            .remove(&self.user_id)
            .unwrap_or_default())
    }

    fn has_tracker(&self) -> bool {
        matches!(self.server, BuiltinServer::Tracker | BuiltinServer::All)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for BuiltinTools {
    fn get_info(&self) -> ServerConfig {
        let mut capabilities = ServerCapabilities::builder().enable_tools().build();
        if self.has_tracker() {
            capabilities = ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build();
        }
        let instructions = match self.server {
            BuiltinServer::Tracker => {
                "The person's job applications: track new ones, move them through statuses \
                 (applied, screening, interview, offer, rejected, withdrawn, accepted, ghosted), \
                 and read them back with their timeline."
            }
            BuiltinServer::Reminders => {
                "The person's reminders: create them for a time in their zone, list, snooze, \
                 complete or cancel them."
            }
            BuiltinServer::All => {
                "The person's job search: applications with status and timeline, and reminders."
            }
        };
        ServerConfig::new(capabilities)
            .with_server_info(Implementation::new(
                match self.server {
                    BuiltinServer::All => "jobtrackerpro".to_owned(),
                    one => format!("jtp-{}", one.name()),
                },
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(instructions)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let resources = if self.has_tracker() {
            Self::tracker_resources()
        } else {
            Vec::new()
        };
        Ok(ListResourcesResult::with_all_items(resources))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if !self.has_tracker() {
            return Err(ErrorData::resource_not_found(
                format!("no resource {}", request.uri),
                None,
            ));
        }
        self.read_tracker_resource(request).await
    }
}
