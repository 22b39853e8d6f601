//! Typed ids: a `HallId` cannot be passed where a `WindowId` is expected.

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            diesel_derive_newtype::DieselNewType, serde::Serialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i32);

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::db::ids::whole_i32(d).map($name)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::db::text_enum::integer_id_schema()
            }
        }

        impl utoipa::ToSchema for $name {}

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
    DeviceId,
    WaitlistEntryId,
    HoldId,
);

/// An `i32` from JSON, where `7.0` is the whole number 7 as JSON Schema's
/// `integer` says (some clients write every number as a float); `7.5`, a
/// string or a number out of range is refused.
pub fn whole_i32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    struct Whole;
    impl serde::de::Visitor<'_> for Whole {
        type Value = i32;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number")
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i32, E> {
            i32::try_from(v).map_err(|_| E::custom("number out of range"))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i32, E> {
            i32::try_from(v).map_err(|_| E::custom("number out of range"))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i32, E> {
            if v.fract() == 0.0 && v >= f64::from(i32::MIN) && v <= f64::from(i32::MAX) {
                Ok(v as i32)
            } else {
                Err(E::custom("expected a whole number"))
            }
        }
    }
    // Asking for an i32 lets text formats (paths, forms) parse their text
    // while JSON hands over the number it has.
    d.deserialize_i32(Whole)
}

/// [`whole_i32`] for an optional field.
pub fn whole_i32_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    #[derive(serde::Deserialize)]
    struct W(#[serde(deserialize_with = "whole_i32")] i32);
    Ok(<Option<W> as serde::Deserialize>::deserialize(d)?.map(|w| w.0))
}

#[cfg(test)]
mod tests {
    use super::ServiceId;

    #[test]
    fn whole_numbers_are_ids_whatever_their_spelling() {
        let id: ServiceId = serde_json::from_str("7").unwrap();
        assert_eq!(id, ServiceId(7));
        let id: ServiceId = serde_json::from_str("7.0").unwrap();
        assert_eq!(id, ServiceId(7));
        for bad in ["7.5", "\"7\"", "4294967296", "1e300", "null"] {
            assert!(serde_json::from_str::<ServiceId>(bad).is_err(), "{bad}");
        }
    }
}
