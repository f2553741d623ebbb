//! The operator is the OS login. Only a `--dev-identity` database (demos and tests) lets
//! `ARYZ_OPERATOR` choose another.

use super::{Error, Result};

/// The login name of the real user id, from the system's user database (not from `$USER`,
/// which anyone can set).
// The C library's user database, the one unsafe call of aryz (see below).
#[allow(unsafe_code)]
pub fn os_login() -> Result<String> {
    #[cfg(unix)]
    {
        // The one call left to the C library: the user database goes through NSS (LDAP,
        // SSSD…), which only the C library's getpwuid_r reads; rustix has no wrapper for it.
        let uid = rustix::process::getuid().as_raw();
        // SAFETY: getpwuid_r writes into our buffers only; we read the name only when it
        // reported success and set `result` to our `pwd`.
        unsafe {
            let mut pwd: libc::passwd = std::mem::zeroed();
            let mut buf = vec![0 as libc::c_char; 4096];
            let mut result: *mut libc::passwd = std::ptr::null_mut();
            let rc = libc::getpwuid_r(uid, &raw mut pwd, buf.as_mut_ptr(), buf.len(), &raw mut result);
            if rc == 0 && !result.is_null() && !pwd.pw_name.is_null() {
                let name = std::ffi::CStr::from_ptr(pwd.pw_name).to_string_lossy().into_owned();
                if !name.is_empty() {
                    return Ok(name);
                }
            }
            Err(Error::Config(crate::msg!("message.no_login_name", uid = uid.to_string())))
        }
    }
    #[cfg(not(unix))]
    {
        std::env::var("USERNAME").map_err(|_| Error::Config(crate::msg!("message.no_login")))
    }
}

pub fn effective_login(dev_identity: bool) -> Result<String> {
    if dev_identity
        && let Ok(l) = std::env::var("ARYZ_OPERATOR")
        && !l.trim().is_empty()
    {
        return Ok(l.trim().to_string());
    }
    os_login()
}
