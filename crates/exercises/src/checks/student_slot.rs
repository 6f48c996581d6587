//! student-slot: each thread reads back the student it bound, whatever the other bound
//! meanwhile; a fresh thread reads `None`.

use thread_local::sync::thread;

use crate::check::{self, Outcome};

/// The functions the exercise asks for.
pub struct Api {
    /// `bind(name)`.
    pub bind: fn(String),
    /// `student()`.
    pub student: fn() -> Option<String>,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::student_slot::Api {
            bind: $($module)::+::bind,
            student: $($module)::+::student,
        }
    };
}
pub(crate) use api;

const STUDENTS: [(&str, &str); 2] = [("Thread-A", "Alice"), ("Thread-B", "Bob")];

/// Each thread binds its student, does some work (where loom may switch threads), and reads its
/// student back. Returns what each read.
fn scenario(api: &Api) -> Vec<Option<String>> {
    let (bind, student) = (api.bind, api.student);
    let threads: Vec<_> = STUDENTS
        .iter()
        .map(|&(thread_name, name)| {
            thread::Builder::new()
                .name(thread_name.to_string())
                .spawn(move || {
                    bind(name.to_string());
                    check::note(format!("binds {name}"), "");
                    super::switch_point();
                    let read = student();
                    check::note(format!("reads {read:?}"), "");
                    read
                })
                .expect("failed to spawn thread")
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("a thread panicked"))
        .collect()
}

fn judge(read: &[Option<String>]) -> Outcome {
    for ((thread, name), read) in STUDENTS.iter().zip(read) {
        if read.as_deref() != Some(name) {
            return Err(format!(
                "{thread} bound {name:?} and read back {read:?}: it saw another thread's \
                 student. One slot shared by every thread is Python's dict, not \
                 threading.local(): give each thread its own with thread_local!."
            ));
        }
    }
    Ok(())
}

/// A fresh thread reads `None`; then the scenario on real threads, 5 times.
pub fn plain(api: Api) -> Outcome {
    let student = api.student;
    let fresh = thread::Builder::new()
        .name("Thread-0".to_string())
        .spawn(student)
        .expect("failed to spawn thread")
        .join()
        .expect("Thread-0 panicked");
    if let Some(name) = fresh {
        return Err(format!(
            "A thread that bound no student read {name:?}: it should read None."
        ));
    }
    for _ in 0..5 {
        judge(&scenario(&api))?;
    }
    Ok(())
}

/// The scenario in every interleaving loom explores.
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    // Std's, kept across executions: did one bind come between another's bind and read?
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = std::sync::Arc::clone(&reached);
    let explored = check::model::explore(None, move |execution| {
        check::record();
        let read = scenario(&api);
        let events = check::take();
        if super::interleaved(&events, "binds", "reads") {
            seen.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        judge(&read).map_err(|what| {
            format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &["Thread-A", "Thread-B"],
                    "",
                    &events,
                    &[],
                    "",
                ))
            )
        })
    });
    let executions = explored.map_err(super::stopped)?;
    match reached.load(std::sync::atomic::Ordering::Relaxed) {
        true => Ok(()),
        false => Err(super::not_interleaved(
            executions,
            "did both threads bind before either read back",
        )),
    }
}
