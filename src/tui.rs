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
pub mod screens;
pub mod theme;
pub(crate) mod view;
pub mod widgets;

use std::io;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;

use crate::config::Config;
use crate::service::Session;
use action::Action;
use app::App;
use keymap::KeyMap;
use theme::Theme;

/// How often the screen re-reads what other clerks' processes changed.
const REFRESH_EVERY: Duration = Duration::from_secs(2);

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
    let mut app = App::new(session, keymap, Theme::from_env())
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
    // ratatui::try_init sets up raw mode, the alternate screen and the panic hook; the
    // terminal itself is rebuilt over a buffered stdout, so that a frame leaves in one write
    // (an unbuffered frame went out in 1 KiB pieces, and tmux repainted each).
    drop(ratatui::try_init()?);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(
        io::BufWriter::with_capacity(1 << 16, io::stdout()),
    ))?;
    // ratatui's hook restores raw mode and the screen; mouse capture must be released too,
    // or the shell receives mouse escape codes after a panic.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        hook(info);
    }));
    crate::startup_trace::mark("terminal set up");
    let result = execute!(io::stdout(), EnableMouseCapture).and_then(|()| event_loop(&mut terminal, app));
    let _ = execute!(io::stdout(), DisableMouseCapture);
    ratatui::restore();
    match &result {
        Ok(()) => crate::logging::info("tui: quit"),
        Err(e) => crate::logging::error(&format!("tui: ended with an i/o error ({:?})", e.kind())),
    }
    result
}

fn event_loop<B: ratatui::backend::Backend>(
    terminal: &mut ratatui::Terminal<B>,
    mut app: App,
) -> io::Result<()>
where
    io::Error: From<B::Error>,
{
    let mut last_refresh = Instant::now();
    let mut first = true;
    loop {
        // After each batch of keys (none waiting), what forms hold is kept as drafts.
        if !event::poll(Duration::ZERO)? {
            app.sync_drafts();
        }
        terminal.draw(|frame| frame.render_widget(&app, frame.area()))?;
        if first {
            crate::startup_trace::mark("first frame written");
            first = false;
        }
        let wait = REFRESH_EVERY.saturating_sub(last_refresh.elapsed());
        if event::poll(wait)? {
            match event::read()? {
                Event::Key(key) => app.handle_key(&key),
                Event::Mouse(m) => app.handle_mouse(&m),
                // The next draw uses the new size.
                Event::Resize(_, _) => {}
                _ => {}
            }
        }
        if app.quit {
            return Ok(());
        }
        if last_refresh.elapsed() >= REFRESH_EVERY {
            app.update(Action::Tick);
            last_refresh = Instant::now();
        }
    }
}
