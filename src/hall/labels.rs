//! The Chinese labels used in spreadsheets and bulk forms, mapped to the
//! stored codes (the codes themselves are accepted too).

use std::str::FromStr;

use crate::hall::models::{DayKind, HallLevel};

pub trait ZhLabel: Sized + Copy + FromStr + 'static {
    const LABELS: &'static [(&'static str, Self)];

    fn from_label(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::LABELS
            .iter()
            .find(|(label, _)| *label == s)
            .map(|(_, v)| *v)
            .or_else(|| s.parse().ok())
    }

    fn zh_label(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::LABELS
            .iter()
            .find(|(_, v)| *v == self)
            .map(|(l, _)| *l)
            .unwrap_or_default()
    }
}

impl ZhLabel for HallLevel {
    const LABELS: &'static [(&'static str, Self)] = &[
        ("市级", HallLevel::City),
        ("区级", HallLevel::District),
        ("街道（乡镇）级", HallLevel::Street),
        ("社区（村）级", HallLevel::Community),
    ];
}

impl ZhLabel for DayKind {
    const LABELS: &'static [(&'static str, Self)] =
        &[("休", DayKind::Holiday), ("班", DayKind::Workday)];
}

/// 是 / 否 (also true/false, 1/0).
pub fn yes_no(s: &str) -> Option<bool> {
    match s.trim() {
        "是" | "true" | "1" | "yes" => Some(true),
        "否" | "false" | "0" | "no" => Some(false),
        _ => None,
    }
}
