//! The Chinese labels of the catalogue's choices, as in its spreadsheets.

use crate::catalog::models::{
    Category, Delivery, MaterialForm, Medium, Necessity, Scope, Source, Subject,
};
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

impl ZhLabel for Scope {
    const LABELS: &'static [(&'static str, Self)] = &[
        ("全市通办", Scope::City),
        ("全区通办", Scope::Region),
        ("跨省通办", Scope::CrossProvince),
    ];
}

impl ZhLabel for Medium {
    const LABELS: &'static [(&'static str, Self)] = &[
        ("纸质", Medium::Paper),
        ("电子", Medium::Electronic),
        ("纸质或电子", Medium::Either),
    ];
}

impl ZhLabel for Necessity {
    const LABELS: &'static [(&'static str, Self)] = &[
        ("必要", Necessity::Required),
        ("容缺", Necessity::Deferrable),
        ("情形", Necessity::Conditional),
    ];
}

impl ZhLabel for Source {
    const LABELS: &'static [(&'static str, Self)] = &[
        ("申请人自备", Source::Applicant),
        ("政府部门核发", Source::Government),
        ("中介机构出具", Source::Agency),
        ("部门共享", Source::Shared),
    ];
}
