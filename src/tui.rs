//! The terminal UI: `aryz` with no subcommand. Model–update–view: keys become actions
//! through the keymap, `App::update` applies them (calling the same services as the command
//! line), and `&App` draws itself.

pub mod action;
pub mod app;
pub(crate) mod component;
pub mod drafts;
pub mod effect;
pub(crate) mod input;
pub(crate) mod keep;
pub mod keymap;
pub(crate) mod mouse;
pub mod present;
pub mod screens;
pub mod theme;
pub(crate) mod view;
pub mod widgets;
pub mod worker;

use std::io;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, DisableMouseCapture, Event};
use ratatui::crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::crossterm::{cursor, execute, queue};
use ratatui::widgets::Widget;

use crate::config::Config;
use crate::service::Session;
use action::Action;
use app::App;
use keymap::KeyMap;
use theme::Theme;

/// How often the screen re-reads what other clerks' processes changed.
const REFRESH_EVERY: Duration = Duration::from_secs(2);

/// How often a reply of the reader off the screen thread is looked for while one is due.
const REPLY_POLL: Duration = Duration::from_millis(20);

/// How long no key must come before work that no key waits for is done.
const IDLE_AFTER: Duration = Duration::from_millis(12);

/// Runs the terminal UI until the operator quits. A bad `[keys]` entry in the config is an
/// error naming the entry, reported before the screen is taken over. The terminal is
/// restored on quit, on error and on panic.
pub fn run(session: Session, config: &Config) -> io::Result<()> {
    run_with_notice(session, config, None)
}

/// [`run`], showing `notice` on the first screen (the first run's "created … you are its
/// admin").
pub fn run_with_notice(session: Session, config: &Config, notice: Option<String>) -> io::Result<()> {
    let keymap = KeyMap::with_overrides(&config.keys)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.text()))?;
    let mut app = App::first_screen(session, keymap, Theme::from_env())
        .map_err(|e| io::Error::other(crate::i18n::localize::Localize::localized(&e)))?;
    app.message = notice.map(|text| app::Message { text, is_error: false });
    // Unsaved forms are kept as drafts in the data directory (a crash or a closed terminal
    // loses nothing typed).
    app.drafts =
        Some(drafts::Drafts::new(crate::paths::data_dir().join("drafts"), &app.session.operator.login));
    crate::startup_trace::mark("screen state built");
    // Letters from the detail screen: a broken template override is reported when a letter
    // is asked for, not at start (the queue is still usable).
    let (config, config_dir) = (config.clone(), crate::paths::config_dir());
    let (canned_config, canned_dir) = (config.clone(), config_dir.clone());
    app.load_canned =
        Some(Box::new(move || crate::letters::canned::CannedTexts::for_config(&canned_config, &canned_dir)));
    app.load_letters = Some(Box::new(move || {
        crate::letters::Kit::for_config(&config, &config_dir).ok().map(|kit| app::LetterSetup {
            kit,
            letterhead: config.letterhead.clone(),
            dir: crate::letters::letters_dir(&config),
        })
    }));
    // The log never gets personal data: who started the UI and how it ended.
    crate::logging::info(&format!("tui: started by {}", app.session.operator.login));
    // Raw mode, the alternate screen, mouse capture and a hidden cursor; the escapes leave
    // with the first frame, in one write (tmux takes in one piece instead of four).
    let (width, height) = terminal::size()?;
    terminal::enable_raw_mode()?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        hook(info);
    }));
    let mut screen = present::Screen::new(
        io::stdout(),
        width,
        height,
        present::Screen::<io::Stdout>::scroll_regions_from_env(),
    );
    let mut setup = Vec::new();
    queue!(setup, EnterAlternateScreen, mouse::ButtonCapture, cursor::Hide)?;
    screen.prefix(&setup);
    crate::startup_trace::mark("terminal set up");
    let result = event_loop(&mut screen, app);
    restore_terminal();
    match &result {
        Ok(()) => crate::logging::info("tui: quit"),
        Err(e) => crate::logging::error(&format!("tui: ended with an i/o error ({:?})", e.kind())),
    }
    result
}

/// Gives the terminal back as it was: mouse released, cursor shown, the main screen, cooked
/// mode. Also from the panic hook, so that a panic never leaves the shell in raw mode.
fn restore_terminal() {
    let _ = execute!(io::stdout(), DisableMouseCapture, cursor::Show, LeaveAlternateScreen);
    let _ = terminal::disable_raw_mode();
}

fn event_loop<W: io::Write>(screen: &mut present::Screen<W>, mut app: App) -> io::Result<()> {
    let mut last_refresh = Instant::now();
    // Drawn when something changed: a key, the mouse, a resize, the refresh, idle work.
    let mut dirty = true;
    let mut first = true;
    let mut worker_started = false;
    loop {
        if dirty {
            // After each batch of keys (none waiting), what forms hold is kept as drafts.
            // (Not before the first frame: the first poll sets up the event reader.)
            if !first && !event::poll(Duration::ZERO)? {
                app.sync_drafts();
            }
            screen.draw(|area, buf| {
                (&app).render(area, buf);
                if first {
                    crate::startup_trace::mark("first frame rendered");
                }
            })?;
            dirty = false;
            if first {
                crate::startup_trace::mark("first frame written");
                first = false;
            }
        }
        // Work no key waits for (the header counts after the first frame, the queue's next
        // page) is done once no key has come for a moment: the terminal gets the CPU to show
        // the frame first, and a key typed meanwhile goes first.
        let refresh_in = REFRESH_EVERY.saturating_sub(last_refresh.elapsed());
        let idle_work = app.has_idle_work();
        let mut wait = if idle_work { IDLE_AFTER.min(refresh_in) } else { refresh_in };
        // While the reader off this thread works, its reply is looked for between keys.
        if app.link.expecting() {
            wait = wait.min(REPLY_POLL);
        }
        if event::poll(wait)? {
            match event::read()? {
                Event::Key(key) => app.handle_key(&key),
                Event::Mouse(m) => app.handle_mouse(&m),
                // The next draw is whole, at the new size.
                Event::Resize(w, h) => screen.resize(w, h),
                _ => {}
            }
            dirty = true;
        } else if idle_work {
            app.idle();
            dirty = true;
            // Once the first screen is complete: the second connection, for reading off
            // this thread.
            if !app.start_pending && !worker_started {
                worker_started = true;
                app.start_worker();
            }
        }
        if app.poll_worker() {
            dirty = true;
        }
        if app.quit {
            return Ok(());
        }
        if last_refresh.elapsed() >= REFRESH_EVERY {
            app.update(Action::Tick);
            last_refresh = Instant::now();
            dirty = true;
        }
    }
}
