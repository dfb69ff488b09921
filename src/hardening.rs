//! Process settings that keep what the app holds in memory off the disk.

use std::io;

/// No core file for this process, whatever `ulimit -c`, the shell or the
/// service manager allowed: a crash dump would write a pass, a TOTP key or
/// a session token in memory to the disk. Both limits go to zero so
/// nothing later in the process can raise them again; systemd-coredump
/// honours the limit too.
pub fn no_core_dumps() -> io::Result<()> {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `setrlimit` only reads the struct, which is initialised and
    // outlives the call.
    if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &zero) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
