//! The Chinese labels of the catalogue's choices, as in its spreadsheets.

use crate::catalog::models::{Category, Delivery, MaterialForm, Subject};
pub use crate::hall::labels::{ZhLabel, yes_no};

impl ZhLabel for Category {
    const LABELS: &'static [(&'static str, Self)] = &[
        ("行政许可", Category::Licensing),
        ("行政确认", Category::Confirmation),
        ("行政给付", Category::Benefit),
        ("公共服务", Category::PublicService),
        ("其他", Category::Other),
    ];
}

impl ZhLabel for Delivery {
    const LABELS: &'static [(&'static str, Self)] = &[
        ("即办件", Delivery::OnTheSpot),
        ("承诺件", Delivery::Promised),
    ];
}

impl ZhLabel for Subject {
    const LABELS: &'static [(&'static str, Self)] =
        &[("自然人", Subject::Person), ("法人", Subject::LegalEntity)];
}

impl ZhLabel for MaterialForm {
    const LABELS: &'static [(&'static str, Self)] = &[
        ("原件", MaterialForm::Original),
        ("复印件", MaterialForm::Copy),
        ("原件及复印件", MaterialForm::OriginalAndCopy),
    ];
}
