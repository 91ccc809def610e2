//! Black-box conversations in free text: the tracker driven by plain sentences, slot
//! filling across turns, references back to the last application, buttons by number,
//! and the timezone asked once.

mod common;

use common::{chat, ok_stdout};
use sqlx::Connection;
use std::path::Path;

fn statuses(dir: &Path) -> Vec<(String, String)> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite:{}", dir.join("data/jtp.db").display());
        let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_as("SELECT company, status FROM applications ORDER BY id")
            .fetch_all(&mut db)
            .await
            .unwrap()
    })
}

fn chat_in_zurich(dir: &Path, user: &str, script: &str) -> String {
    let mut cmd_input = String::from("I live in Zurich\n");
    cmd_input.push_str(script);
    ok_stdout(&chat(dir, None, user, cmd_input.as_bytes()))
}

/// Every track / update / list phrasing of the evaluation's dev set, through the chat.
#[test]
fn free_text_drives_the_tracker() {
    let dir = tempfile::tempdir().unwrap();
    let script = "I applied to Apple for an iOS engineer role\n\
        applied at Microsoft yesterday - cloud solution architect\n\
        just sent my application to Siemens, automation engineer\n\
        log an application: Airbnb, data analyst, applied on Nov 20\n\
        I applied for the SRE job at GitLab today\n\
        Applied to Adyen last Wednesday for a payments engineer position\n\
        i applied with Credit Suisse for risk analyst\n\
        Apple called, phone screen on Thursday at 10\n\
        Microsoft rejected me\n\
        got an offer from Siemens\n\
        Airbnb onsite is on December 2 at 13:00\n\
        I withdrew from the GitLab process\n\
        mark Adyen as ghosted\n\
        I accepted the Credit Suisse offer\n\
        show all my applications\n\
        which companies rejected me?\n\
        what interviews do I have coming up\n";
    let out = chat_in_zurich(dir.path(), "dev", script);
    assert!(out.contains("your timezone is now Europe/Zurich"), "{out}");
    assert_eq!(out.matches("Tracked #").count(), 7, "{out}");
    assert!(
        !out.contains("didn't get that"),
        "every line was understood:\n{out}"
    );
    assert_eq!(
        statuses(dir.path()),
        [
            ("Apple", "screening"),
            ("Microsoft", "rejected"),
            ("Siemens", "offer"),
            ("Airbnb", "interview"),
            ("GitLab", "withdrawn"),
            ("Adyen", "ghosted"),
            ("Credit Suisse", "accepted"),
        ]
        .map(|(c, s)| (c.to_owned(), s.to_owned()))
    );
    assert!(
        out.contains(
            "Moved #1 Apple — iOS engineer from Applied to Screening — Thu 26 Nov 2026, 10:00 CET"
        ) || out.contains("to Screening — Thu"),
        "interview time resolved in Zurich time:\n{out}"
    );
    assert!(out.contains("Your applications (7)"), "{out}");
    assert!(
        out.contains("Your applications with status rejected (1):\n- #2 Microsoft"),
        "{out}"
    );
    assert!(
        out.contains("Your applications with status interview (1):\n- #4 Airbnb"),
        "{out}"
    );
}

#[test]
fn a_missing_company_is_asked_for_and_the_answer_continues_the_action() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok_stdout(&chat(
        dir.path(),
        None,
        "sam",
        b"I just applied for a backend role\nIt's Stripe.\n/apps\n",
    ));
    assert!(out.contains("Which company did you apply to?"), "{out}");
    assert!(out.contains("Tracked #1 Stripe — backend"), "{out}");
    assert_eq!(
        statuses(dir.path()),
        [("Stripe".to_owned(), "applied".to_owned())]
    );

    // The question survives a restart: ask in one process, answer in the next.
    let first = ok_stdout(&chat(dir.path(), None, "sam", b"they moved me forward\n"));
    assert!(first.contains("Which company is this about?"), "{first}");
    let second = ok_stdout(&chat(dir.path(), None, "sam", b"stripe\n"));
    assert!(second.contains("What is the new status of #1"), "{second}");
    let third = ok_stdout(&chat(dir.path(), None, "sam", b"interview\n"));
    assert!(third.contains("to Interview"), "{third}");
    assert_eq!(
        statuses(dir.path()),
        [("Stripe".to_owned(), "interview".to_owned())]
    );
}

#[test]
fn duplicates_are_confirmed_with_buttons_and_references_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let script = "I applied to Google for the backend engineer role\n\
        applied to google for a senior backend engineer position\n\
        2\n\
        applied to google for a senior backend engineer position\n\
        1\n\
        I applied to Spotify for the data role\n\
        they rejected it\n";
    let out = ok_stdout(&chat(dir.path(), None, "kim", script.as_bytes()));
    assert_eq!(
        out.matches("You already track #1 Google").count(),
        2,
        "{out}"
    );
    assert!(out.contains("[1] Add anyway  [2] Cancel"), "{out}");
    assert!(out.contains("OK, cancelled."), "{out}");
    assert!(
        out.contains("Tracked #2 Google — senior backend engineer"),
        "confirmed duplicate added:\n{out}"
    );
    assert!(
        out.contains("Moved #3 Spotify — data from Applied to Rejected"),
        "\"it\" is the last application:\n{out}"
    );
    assert_eq!(statuses(dir.path()).len(), 3);
}

#[test]
fn the_timezone_is_asked_once_then_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok_stdout(&chat(
        dir.path(),
        None,
        "lee",
        b"I applied to Vercel for the frontend role\nVercel invited me to an interview next Monday at 8:00\nNew York\n",
    ));
    assert!(out.contains("Which timezone are you in?"), "{out}");
    assert!(out.contains("I'll use America/New_York"), "{out}");
    assert!(
        out.contains("Mon") && out.contains("08:00 E"),
        "interview at 08:00 New York time:\n{out}"
    );
    let again = ok_stdout(&chat(
        dir.path(),
        None,
        "lee",
        b"Vercel moved me to offer on Friday at 5pm\n",
    ));
    assert!(
        !again.contains("Which timezone"),
        "asked only once:\n{again}"
    );
    assert!(again.contains("17:00 E"), "{again}");
}

/// The timezone given in a sentence ("my timezone is …") answers the open question too.
#[test]
fn a_timezone_said_in_a_sentence_carries_out_what_waited_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok_stdout(&chat(
        dir.path(),
        None,
        "lou",
        b"I applied to Vercel for the frontend role\n\
          Vercel invited me to an interview next Monday at 8:00\n\
          my timezone is America/New_York\n",
    ));
    assert!(!out.contains("I still need your timezone"), "{out}");
    assert!(
        out.contains("from Applied to Interview") && out.contains("08:00 E"),
        "the interview that waited is recorded at 08:00 New York time:\n{out}"
    );
}

/// A person who moves keeps "tomorrow at 9am" at 09:00 where they are now, and "in 3 hours"
/// in three hours, not at the old zone's wall time.
/// Something else asked while the timezone question is open is answered, not taken for a
/// place, and every request that waited for the zone is carried out once it is known.
#[test]
fn requests_waiting_for_the_timezone_are_kept_while_other_things_are_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok_stdout(&chat(
        dir.path(),
        None,
        "kim",
        b"I applied to Vercel for the frontend role
\
          Vercel invited me to an interview next Monday at 8:00
\
          show my applications
\
          remind me next Friday at 5pm to send the portfolio
\
          New York
\
          show my reminders
",
    ));
    assert!(
        !out.contains("I don't know that place"),
        "a request is not a place:\n{out}"
    );
    assert!(
        out.contains("#1 Vercel")
            && out.contains("I still need your timezone for \"Vercel invited me to an interview next Monday at 8:00\""),
        "the list is shown and the question stays open:\n{out}"
    );
    assert!(out.contains("I'll use America/New_York"), "{out}");
    assert!(
        out.contains("from Applied to Interview") && out.contains("08:00 E"),
        "the interview that waited is recorded at 08:00 New York time:\n{out}"
    );
    assert!(
        out.contains("at 17:00 to send the portfolio"),
        "the reminder that waited too is set:\n{out}"
    );
}

#[test]
fn after_a_move_a_time_of_day_keeps_its_wall_time_and_a_timer_its_instant() {
    let dir = tempfile::tempdir().unwrap();
    let set_at = chrono::Utc::now();
    let out = ok_stdout(&chat(
        dir.path(),
        None,
        "kim",
        b"I live in New York\nremind me in 3 hours to stretch\nremind me tomorrow at 9am to call Anna\n\
          I moved to Tokyo\nshow my reminders\n",
    ));
    assert!(out.contains("Your reminders moved with you"), "{out}");
    let listed = out
        .split("Your reminders (")
        .nth(1)
        .unwrap_or_else(|| panic!("no reminder list:\n{out}"));
    let line = |text: &str| {
        listed
            .lines()
            .find(|l| l.contains(text))
            .unwrap_or_else(|| panic!("{text:?} not listed:\n{out}"))
            .to_owned()
    };
    assert!(line("call Anna").contains("at 09:00"), "{out}");
    // Three hours from when it was set, on Tokyo's clock (within the minute it took).
    let in_tokyo = |extra: i64| {
        (set_at + chrono::Duration::minutes(180 + extra))
            .with_timezone(&chrono_tz::Asia::Tokyo)
            .format("at %H:%M")
            .to_string()
    };
    let stretch = line("stretch");
    assert!(
        stretch.contains(&in_tokyo(0)) || stretch.contains(&in_tokyo(1)),
        "{stretch:?} is not {} in Tokyo:\n{out}",
        in_tokyo(0)
    );
}

/// A time the clocks skip is not moved silently: the person is told what it became.
#[test]
fn a_reminder_at_a_time_the_clocks_skip_says_when_it_is() {
    let dir = tempfile::tempdir().unwrap();
    // New York's clocks go from 02:00 to 03:00 on Sunday 9 March 2031.
    let out = ok_stdout(&chat(
        dir.path(),
        None,
        "lou",
        b"I live in New York\nremind me on March 9 2031 at 2:30am to check the backup\n\
          remind me on March 8 2031 at 2:30am to check it again\n",
    ));
    assert!(
        out.contains(
            "on Sun 09 Mar at 03:30 to check the backup. The clocks go forward that night and skip 02:30, so it's at 03:30."
        ),
        "{out}"
    );
    assert!(
        out.contains("on Sat 08 Mar at 02:30 to check it again.\n"),
        "no word of the clocks on an ordinary night:\n{out}"
    );
}

#[test]
fn ambiguous_company_asks_which_by_numbered_choice() {
    let dir = tempfile::tempdir().unwrap();
    let script = "/track Acme, backend engineer\n\
        /track Acme, product designer\n\
        Acme invited me to an interview\n\
        2\n";
    let out = ok_stdout(&chat(dir.path(), None, "max", script.as_bytes()));
    assert!(out.contains("Which one do you mean?\n[1] #1 Acme — backend engineer (applied)  [2] #2 Acme — product designer (applied)"), "{out}");
    assert!(
        out.contains("Moved #2 Acme — product designer from Applied to Interview"),
        "{out}"
    );
    assert_eq!(
        statuses(dir.path()),
        [
            ("Acme".to_owned(), "applied".to_owned()),
            ("Acme".to_owned(), "interview".to_owned())
        ]
    );
}

#[test]
fn removing_an_application_is_confirmed_first() {
    let dir = tempfile::tempdir().unwrap();
    let script = "/track Google, backend engineer\n\
        /track Spotify, data engineer\n\
        please remove the Google application\n\
        2\n\
        stop tracking Google\n\
        1\n\
        /apps\n";
    let out = ok_stdout(&chat(dir.path(), None, "rae", script.as_bytes()));
    assert_eq!(
        out.matches("Stop tracking #1 Google — backend engineer and delete its timeline?")
            .count(),
        2,
        "{out}"
    );
    assert!(out.contains("[1] Remove  [2] Keep it"), "{out}");
    assert!(out.contains("OK, cancelled."), "{out}");
    assert!(
        out.contains("Removed #1 Google — backend engineer."),
        "{out}"
    );
    assert_eq!(
        statuses(dir.path()),
        [("Spotify".to_owned(), "applied".to_owned())]
    );
}

#[test]
fn delete_my_data_is_confirmed_then_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    ok_stdout(&chat(
        dir.path(),
        None,
        "other",
        b"/track Keepme, designer\n",
    ));
    let setup = "I live in Zurich\n/track Netflix, SRE\n/note Netflix salary 150k\n";
    ok_stdout(&chat(dir.path(), None, "gone", setup.as_bytes()));
    let out = ok_stdout(&chat(
        dir.path(),
        None,
        "gone",
        b"delete my data\nno\ndelete my data\n1\n/apps\n",
    ));
    assert_eq!(
        out.matches("This deletes everything I keep about you: 1 application(s)")
            .count(),
        2,
        "{out}"
    );
    assert!(out.contains("OK, nothing was deleted."), "{out}");
    assert!(out.contains("Done — I deleted 1 application(s)"), "{out}");
    assert!(out.contains("not tracking any applications yet"), "{out}");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite:{}", dir.path().join("data/jtp.db").display());
        let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let user: (i64, Option<String>) = sqlx::query_as(
            "SELECT u.id, u.timezone FROM users u JOIN identities i ON i.user_id = u.id WHERE i.platform_user_id = 'gone'",
        )
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert_eq!(user.1, None, "settings are gone");
        let texts: Vec<String> = sqlx::query_scalar("SELECT text FROM messages WHERE user_id = $1 ORDER BY id")
            .bind(user.0)
            .fetch_all(&mut db)
            .await
            .unwrap();
        assert!(!texts.iter().any(|t| t.contains("Netflix") || t.contains("150k")), "no trace in the log: {texts:?}");
        let notes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM application_events").fetch_one(&mut db).await.unwrap();
        assert_eq!(notes, 1, "only the other person's application timeline remains");
    });
    assert_eq!(
        statuses(dir.path()),
        [("Keepme".to_owned(), "applied".to_owned())]
    );
}

#[test]
fn absurd_snoozes_are_answered_not_crashed_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok_stdout(&chat(
        dir.path(),
        None,
        "zed",
        b"snooze 100000000 weeks\nsnooze 99999999999999999999 minutes\n/apps\n",
    ));
    assert_eq!(
        out.matches("There is no reminder waiting to be snoozed.")
            .count(),
        2,
        "{out}"
    );
    assert!(
        out.contains("not tracking any applications yet"),
        "the session went on: {out}"
    );
}
