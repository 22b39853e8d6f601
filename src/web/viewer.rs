//! Who is looking at a page, as the plumbing needs to know it: the role
//! (for the access table and the navigation), a masked name for the header
//! and the CSRF token every form carries. The accounts feature resolves it
//! once per request and puts it into the request's extensions.

use crate::text_enum;

text_enum!(
    /// What an account may do; every route declares the roles it admits.
    Role {
        Resident = "resident",
        Clerk = "clerk",
        DeptAdmin = "dept_admin",
        Admin = "admin",
    }
);

impl Role {
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Resident)
    }
}

/// Who is signed in, as the page header shows it.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<UserBadge>,
    /// The value every POST form carries as `csrf_token`.
    pub csrf_token: String,
}

impl Viewer {
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }
}
