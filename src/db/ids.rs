//! Typed ids: a `HallId` cannot be passed where a `WindowId` is expected.

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            diesel_derive_newtype::DieselNewType, serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i32);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse::<i32>().map($name)
            }
        }
    )*};
}

typed_id!(
    HallId,
    ZoneId,
    DepartmentId,
    WindowId,
    ServiceId,
    MaterialId,
    FileId,
    AccountId,
    BookingId,
    TicketId,
    CaseId,
    RatingId,
    FollowUpId,
);
