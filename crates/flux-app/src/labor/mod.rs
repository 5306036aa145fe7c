//! Labor use cases: roles and staff ([`staff`]), the week's requirement and
//! schedule ([`schedule`]), and clocked time and pay ([`clock`]).
//!
//! Who sees what: owners and managers see and change everyone's records;
//! any other member sees only the staff record linked to their login, its
//! published shifts, time off and pay, and may request time off and clock
//! in and out for it. Another person's id reads as "not found", like
//! another tenant's.

pub mod clock;
pub mod schedule;
pub mod staff;

use flux_domain::role::{Action, Role};
/// The stored statuses the labor use cases take and return, for adapters
/// (which do not reach into the store).
pub use flux_store::status::{EntrySource, LaborDriver, ShiftSource, TimeOffStatus};
use flux_store::PgConnection;
use uuid::Uuid;

use crate::{AppError, AppResult};

/// The member asking.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub user_id: Uuid,
    pub role: Role,
}

impl Caller {
    /// The login to record as the author of a change; none for the
    /// command line, which acts as no one's account.
    pub fn by(&self) -> Option<Uuid> {
        (!self.user_id.is_nil()).then_some(self.user_id)
    }

    /// Whether the caller manages staff (and so sees everyone).
    pub fn manages(&self) -> bool {
        self.role.can(Action::ManageRestaurant)
    }

    pub fn require_manager(&self) -> AppResult<()> {
        if self.manages() {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    /// `None` for managers (everyone); otherwise the caller's own staff
    /// record, or not found when their login has none.
    pub async fn scope(&self, conn: &mut PgConnection, rid: Uuid) -> AppResult<Option<Uuid>> {
        if self.manages() {
            return Ok(None);
        }
        flux_store::labor::staff_of_user(conn, rid, self.user_id)
            .await?
            .map(Some)
            .ok_or_else(AppError::not_found)
    }

    /// Fails unless the caller may act for `staff_id`.
    pub async fn may_act_for(
        &self,
        conn: &mut PgConnection,
        rid: Uuid,
        staff_id: Uuid,
    ) -> AppResult<()> {
        match self.scope(conn, rid).await? {
            Some(own) if own != staff_id => Err(AppError::not_found()),
            _ => Ok(()),
        }
    }
}
