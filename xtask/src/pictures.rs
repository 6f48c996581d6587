//! The docs' pictures, `docs/pictures/*.svg`: drawn from what the runs recorded, never by hand.
//!
//! - A **schedule** per lesson: the execution a contrast model chose (its `schedule` figure, a
//!   [`Schedule`]), one lane per thread, time going down, each step a box, the value beside it, the
//!   step that goes wrong highlighted with its note. `cargo xtask prove` draws each one from the
//!   model's run and checks it as it checks the docs' `proof` blocks; `--bless` rewrites it.
//! - The **lock's cost**: a bar chart of a table of [`Bar`]s (ns per call by strategy, grouped by
//!   thread count, the per-thread floor marked). `bench.rs` gives it the table in
//!   `docs/performance.md`; `cargo xtask run-all` checks it, `cargo xtask bench --write-docs`
//!   redraws it.
//!
//! The SVG is written with the `svg` crate (elements and attributes, text escaped for us, the
//! attributes in a fixed order, so the same figures give the same file). Text is measured by
//! counting characters: the labels are monospace, and the few sans-serif ones are given room for
//! the widest common fonts.

use std::fs;

use svg::Document;
use svg::node::element::{Description, Line, Polygon, Rectangle, Text, Title};
use svg::node::{Comment, Text as TextNode};

use crate::docs::Fill;
use crate::workspace::{Result, Workspace};
use figures::{SCHEDULE, Schedule};

/// Where the pictures are, from the repo's root; the chapters link them as `pictures/<file>`.
pub const DIR: &str = "docs/pictures";

/// The schedule pictures: the lesson, the model that reports the schedule, the file.
pub const SCHEDULES: [(&str, &str, &str); 6] = [
    (
        "lock-balance",
        "without_the_lock_an_update_can_be_lost",
        "lock-balance-lost-update.svg",
    ),
    (
        "thread-basics",
        "ending_before_join_lets_main_end_while_loop_thread_runs",
        "thread-basics-ended-before-join.svg",
    ),
    (
        "thread-local",
        "a_shared_global_lets_a_thread_greet_another_threads_student",
        "thread-local-wrong-greeting.svg",
    ),
    (
        "lock-order",
        "with_opposite_orders_loom_finds_the_deadlock",
        "lock-order-deadlock.svg",
    ),
    (
        "worker-pool",
        "results_come_back_in_input_order",
        "worker-pool-out-of-order.svg",
    ),
    (
        "wait-for-funds",
        "with_if_not_while_the_balance_goes_below_zero",
        "wait-for-funds-if-not-while.svg",
    ),
];

/// The lock's cost, drawn by [`chart_svg`].
pub const CHART: &str = "lock-cost.svg";

/// The width every picture is drawn at: GitHub shows a page's content about 830 px wide, so the
/// pictures are shown at their own size there, text and all.
const WIDTH: f64 = 820.0;
const MARGIN: f64 = 20.0;
const MONO: &str = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
const SANS: &str = "-apple-system, 'Segoe UI', Helvetica, Arial, 'DejaVu Sans', sans-serif";
/// A monospace character is 0.6 em wide in every common monospace font.
const MONO_EM: f64 = 0.6;
/// Room for a sans-serif character: wider than the average of any common font, so text measured
/// with it fits.
const SANS_EM: f64 = 0.6;

/// GitHub's own palette: text, muted text, lines, a light row.
const INK: &str = "#1f2328";
const MUTED: &str = "#59636e";
const RULE: &str = "#d1d9e0";
const STRIPE: &str = "#f6f8fa";
/// The highlight: what went wrong.
const ALERT: &str = "#cf222e";
const ALERT_TINT: &str = "#ffebe9";
/// A colour and its tint per lane (blue, purple, green, orange), and per strategy in the chart.
const LANES: [(&str, &str); 4] = [
    ("#0969da", "#ddf4ff"),
    ("#8250df", "#fbefff"),
    ("#1a7f37", "#dafbe1"),
    ("#bc4c00", "#fff1e5"),
];

/// Checks (or, with `bless`, rewrites) the schedule pictures of the lessons that were run.
/// `fill` is `prove`'s: a figure of a model that ran and passed, `None` for one that did not run.
/// Returns one message per stale picture.
pub fn sync_schedules(ws: &Workspace, fill: Fill, bless: bool) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for (lesson, model, file) in SCHEDULES {
        let Some(figure) = fill(&[lesson, model, SCHEDULE])? else {
            continue;
        };
        let schedule = Schedule::parse(&figure).map_err(|e| format!("{lesson}::{model}: {e}"))?;
        let source = format!("crates/{lesson}/tests/proofs.rs::{model}");
        for (file, drawn) in [
            (file.to_string(), schedule_svg(&schedule, &source)),
            (narrow(file), narrow_schedule_svg(&schedule, &source)),
        ] {
            if let Some(message) = check(ws, &file, &drawn, bless)? {
                stale.push(format!(
                    "{message}: the schedule {lesson}::{model} reported is drawn otherwise"
                ));
            }
        }
    }
    Ok(stale)
}

/// Writes `drawn` to `docs/pictures/<file>` with `bless`; otherwise names the file if it differs.
pub fn check(ws: &Workspace, file: &str, drawn: &str, bless: bool) -> Result<Option<String>> {
    let path = ws.root.join(DIR).join(file);
    let shown = ws.show(&path);
    let old = fs::read_to_string(&path).unwrap_or_default();
    if old == drawn {
        return Ok(None);
    }
    if bless {
        fs::create_dir_all(ws.root.join(DIR)).map_err(|e| format!("cannot create {DIR}: {e}"))?;
        fs::write(&path, drawn).map_err(|e| format!("cannot write {shown}: {e}"))?;
        eprintln!("drew {shown}");
        return Ok(None);
    }
    Ok(Some(match old.is_empty() {
        true => format!("{shown} is missing"),
        false => format!("{shown} is stale"),
    }))
}

/// A coordinate or a length, to a tenth of a pixel, without a trailing `.0`.
fn px(value: f64) -> String {
    let tenths = (value * 10.0).round() / 10.0;
    if tenths == tenths.trunc() {
        format!("{tenths:.0}")
    } else {
        format!("{tenths:.1}")
    }
}

/// How wide `text` is in a monospace font of `size` px.
fn mono_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * MONO_EM
}

/// A `<text>` at (x, y) in `family`, `size` and `fill`; a caller sets `text-anchor` if needed.
fn text(content: &str, x: f64, y: f64, size: f64, family: &str, fill: &str) -> Text {
    Text::new(content)
        .set("x", px(x))
        .set("y", px(y))
        .set("font-family", family)
        .set("font-size", px(size))
        .set("fill", fill)
}

fn rect(x: f64, y: f64, width: f64, height: f64, fill: &str) -> Rectangle {
    Rectangle::new()
        .set("x", px(x))
        .set("y", px(y))
        .set("width", px(width))
        .set("height", px(height))
        .set("fill", fill)
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) -> Line {
    Line::new()
        .set("x1", px(x1))
        .set("y1", px(y1))
        .set("x2", px(x2))
        .set("y2", px(y2))
        .set("stroke", stroke)
}

/// The document around a picture: its size, a white card (readable on a dark page too), the
/// comment that says it is generated and from what (`generated`: an XML comment cannot hold two
/// hyphens in a row, so it names a flag in words; `<desc>` gives the command as it is typed),
/// its title and description for screen readers. What made the picture is said there, in its
/// metadata, and not drawn.
fn document(height: f64, title: &str, generated: &str, description: &str) -> Document {
    document_of(WIDTH, height, title, generated, description)
}

/// [`document`], `width` px wide.
fn document_of(
    width: f64,
    height: f64,
    title: &str,
    generated: &str,
    description: &str,
) -> Document {
    Document::new()
        .set("width", px(width))
        .set("height", px(height))
        .set("viewBox", format!("0 0 {} {}", px(width), px(height)))
        .set("role", "img")
        .add(Comment::new(generated))
        .add(Title::new(title))
        .add(Description::new().add(TextNode::new(description)))
        .add(
            rect(0.5, 0.5, width - 1.0, height - 1.0, "#ffffff")
                .set("rx", 8)
                .set("stroke", RULE),
        )
}

/// The narrow drawing of a schedule picture: `x.svg` is drawn again as `x-narrow.svg`.
pub fn narrow(file: &str) -> String {
    format!("{}-narrow.svg", file.trim_end_matches(".svg"))
}

/// How wide the narrow drawings are: a phone's page (390 px) less mdBook's margins, so that at
/// that width a picture is shown at its own size, every lane at once.
const NARROW: f64 = 350.0;

/// The same schedule as [`schedule_svg`], drawn [`NARROW`] px wide for a phone: the lanes are
/// stacked rather than side by side. Each step is a box across the picture, in its thread's
/// colour and indented by its lane, the value beside it under it; the threads' tabs at the top
/// are indented the same way, so the lanes still read as lanes.
pub fn narrow_schedule_svg(schedule: &Schedule, source: &str) -> String {
    const MARGIN: f64 = 14.0;
    const STEP_COLUMN: f64 = 34.0;
    const INDENT: f64 = 26.0;
    const LABEL: f64 = 12.0;
    const SMALL: f64 = 11.0;
    const BOX: f64 = 24.0;
    const PAD: f64 = 8.0;
    const LINE: f64 = 15.0;

    let lanes_x = MARGIN + STEP_COLUMN;
    let right = NARROW - MARGIN;
    let lane_x = |lane: usize| lanes_x + lane as f64 * INDENT;
    let chars = |size: f64, from: f64| ((right - from) / (size * MONO_EM)).floor() as usize;
    let title = figures::wrap(&schedule.title, chars(15.0, MARGIN));
    let end = figures::wrap(&schedule.end, chars(13.0, MARGIN));
    // A label too wide for its box gets a smaller font (never below 10 px).
    let label_size = schedule
        .steps
        .iter()
        .map(|step| {
            let room = right - lane_x(step.lane) - 2.0 * PAD;
            (room / (step.does.chars().count() as f64 * MONO_EM)).min(LABEL)
        })
        .fold(LABEL, f64::min)
        .max(10.0);

    let mut y = MARGIN + 16.0;
    let title_y = y;
    y += (title.len() - 1) as f64 * 20.0 + 14.0;
    let tabs_y = y;
    y += schedule.lanes.len() as f64 * (BOX + 4.0) + 8.0;
    let rows_y = y;
    let mut rows = Vec::new();
    for step in &schedule.steps {
        let beside = match step.beside.is_empty() {
            true => Vec::new(),
            false => figures::wrap(
                &format!("{}: {}", schedule.beside, step.beside),
                chars(SMALL, lane_x(step.lane) + PAD),
            ),
        };
        let note = match step.note.is_empty() {
            true => Vec::new(),
            false => figures::wrap(
                &format!("\u{2191} {}", step.note),
                chars(SMALL, lane_x(step.lane)),
            ),
        };
        let height = BOX + 6.0 + (beside.len() + note.len()) as f64 * LINE + 6.0;
        rows.push((y, height, beside, note));
        y += height;
    }
    let rows_end = y;
    let end_y = rows_end + 24.0;
    let height = end_y + (end.len() - 1) as f64 * 18.0 + MARGIN;

    let description = format!(
        "{}. {} steps by {}, in the order one execution ran them, one under the other, each \
         thread's indented by its own amount. {}. {}.",
        schedule.title,
        schedule.steps.len(),
        schedule.lanes.join(" and "),
        schedule.end,
        generated_by("cargo xtask prove --bless", source)
    );
    let mut picture = document_of(
        NARROW,
        height,
        &schedule.title,
        &format!(
            "{}. Do not edit: cargo xtask prove checks it, and redraws it with its bless flag.",
            generated_by("cargo xtask prove", source)
        ),
        &description,
    );
    for (k, words) in title.iter().enumerate() {
        picture = picture.add(
            text(words, MARGIN, title_y + k as f64 * 20.0, 15.0, SANS, INK)
                .set("font-weight", "bold"),
        );
    }
    for (lane, name) in schedule.lanes.iter().enumerate() {
        let (colour, _) = LANES[lane % LANES.len()];
        let (x, top) = (lane_x(lane), tabs_y + lane as f64 * (BOX + 4.0));
        picture = picture
            .add(rect(x, top, right - x, BOX, colour).set("rx", 5))
            .add(
                text(name, x + PAD, top + BOX / 2.0 + 4.5, LABEL, MONO, "#ffffff")
                    .set("font-weight", "bold"),
            );
    }
    picture = picture.add(
        text("step", lanes_x - 6.0, rows_y - 6.0, SMALL, SANS, MUTED).set("text-anchor", "end"),
    );
    for (number, (step, (top, height, beside, note))) in
        schedule.steps.iter().zip(&rows).enumerate()
    {
        let (colour, tint) = LANES[step.lane % LANES.len()];
        let alert = !step.note.is_empty();
        if alert {
            picture = picture.add(rect(
                lanes_x - 2.0,
                top + 1.0,
                right - lanes_x + 2.0,
                height - 2.0,
                ALERT_TINT,
            ));
        } else if number % 2 == 1 {
            picture = picture.add(rect(
                lanes_x - 2.0,
                *top,
                right - lanes_x + 2.0,
                *height,
                STRIPE,
            ));
        }
        let x = lane_x(step.lane);
        let middle = top + 3.0 + BOX / 2.0 + 4.5;
        let (stroke, fill, weight) = match alert {
            true => (ALERT, "#ffffff", 2.5),
            false => (colour, tint, 1.5),
        };
        picture = picture
            .add(
                text(
                    &(number + 1).to_string(),
                    lanes_x - 6.0,
                    middle,
                    SMALL,
                    MONO,
                    MUTED,
                )
                .set("text-anchor", "end"),
            )
            .add(
                rect(x, top + 3.0, right - x, BOX, fill)
                    .set("rx", 5)
                    .set("stroke", stroke)
                    .set("stroke-width", px(weight)),
            )
            .add(text(&step.does, x + PAD, middle, label_size, MONO, INK));
        let mut line_y = top + 3.0 + BOX + LINE - 2.0;
        for words in beside {
            let shown = text(words, x + PAD, line_y, SMALL, MONO, MUTED);
            picture = picture.add(match alert {
                true => shown.set("fill", ALERT).set("font-weight", "bold"),
                false => shown,
            });
            line_y += LINE;
        }
        for words in note {
            picture =
                picture.add(text(words, x, line_y, SMALL, MONO, ALERT).set("font-weight", "bold"));
            line_y += LINE;
        }
    }
    picture = picture.add(line(
        lanes_x - 2.0,
        rows_end + 6.0,
        right,
        rows_end + 6.0,
        RULE,
    ));
    for (k, words) in end.iter().enumerate() {
        picture = picture.add(
            text(words, MARGIN, end_y + k as f64 * 18.0, 13.0, SANS, INK)
                .set("font-weight", "bold"),
        );
    }
    format!("{picture}\n")
}

/// One execution's schedule as an SVG: a lane per thread, time going down, a box per step with
/// the value beside it, the noted steps highlighted and their notes under them, the outcome last.
pub fn schedule_svg(schedule: &Schedule, source: &str) -> String {
    const STEP_COLUMN: f64 = 44.0;
    const LABEL: f64 = 13.0;
    const NOTE: f64 = 12.0;
    const ROW: f64 = 36.0;
    const NOTE_ROW: f64 = 22.0;
    const BOX: f64 = 26.0;
    const PAD: f64 = 10.0;

    let lanes = schedule.lanes.len() as f64;
    // The column beside: as wide as its heading or its widest value.
    let beside_width = schedule
        .steps
        .iter()
        .map(|step| mono_width(&step.beside, LABEL))
        .chain([mono_width(&schedule.beside, LABEL)])
        .fold(0.0, f64::max)
        + 2.0 * PAD;
    let lanes_x = MARGIN + STEP_COLUMN;
    let beside_x = WIDTH - MARGIN - beside_width;
    let lane_width = (beside_x - lanes_x - PAD) / lanes;
    let lane_x = |lane: usize| lanes_x + lane as f64 * lane_width;
    // A label too wide for its box gets a smaller font (never below 11 px).
    let label_size = schedule
        .steps
        .iter()
        .map(|step| {
            let room = lane_width - 2.0 * PAD - 2.0 * PAD;
            (room / (step.does.chars().count() as f64 * MONO_EM)).min(LABEL)
        })
        .fold(LABEL, f64::min)
        .max(11.0);

    let title_y = MARGIN + 16.0;
    let header_y = title_y + 22.0;
    let header_height = 28.0;
    let rows_y = header_y + header_height + 10.0;
    // Each step's top, a noted step taking a row for its note under it.
    let mut tops = Vec::new();
    let mut y = rows_y;
    for step in &schedule.steps {
        tops.push(y);
        y += ROW + if step.note.is_empty() { 0.0 } else { NOTE_ROW };
    }
    let rows_end = y;
    let end_y = rows_end + 26.0;
    let height = end_y + MARGIN;

    let noted: Vec<&str> = schedule
        .steps
        .iter()
        .filter(|step| !step.note.is_empty())
        .map(|step| step.note.as_str())
        .collect();
    let description = format!(
        "{}. {} steps by {}, in the order one execution ran them; highlighted: {}. {}. {}.",
        schedule.title,
        schedule.steps.len(),
        schedule.lanes.join(" and "),
        match noted.is_empty() {
            true => "nothing".to_string(),
            false => noted.join("; "),
        },
        schedule.end,
        generated_by("cargo xtask prove --bless", source)
    );
    let mut picture = document(
        height,
        &schedule.title,
        &format!(
            "{}. Do not edit: cargo xtask prove checks it, and redraws it with its bless flag.",
            generated_by("cargo xtask prove", source)
        ),
        &description,
    )
    .add(text(&schedule.title, MARGIN, title_y, 16.0, SANS, INK).set("font-weight", "bold"));

    // The headings: step, a coloured tab per lane, the column beside.
    let heading_y = header_y + header_height / 2.0 + 4.5;
    picture = picture.add(
        text(
            "step",
            MARGIN + STEP_COLUMN - PAD,
            heading_y,
            12.0,
            SANS,
            MUTED,
        )
        .set("text-anchor", "end"),
    );
    for (lane, name) in schedule.lanes.iter().enumerate() {
        let (colour, _) = LANES[lane % LANES.len()];
        let x = lane_x(lane) + PAD;
        let width = lane_width - 2.0 * PAD;
        picture = picture
            .add(rect(x, header_y, width, header_height, colour).set("rx", 6))
            .add(
                text(name, x + width / 2.0, heading_y, 13.0, MONO, "#ffffff")
                    .set("text-anchor", "middle")
                    .set("font-weight", "bold"),
            );
    }
    picture = picture.add(
        text(
            &schedule.beside,
            beside_x + PAD,
            heading_y,
            12.0,
            SANS,
            MUTED,
        )
        .set("font-weight", "bold"),
    );

    // Time goes down: an arrow in the step column.
    let arrow_x = MARGIN + 6.0;
    picture = picture
        .add(line(arrow_x, rows_y + 4.0, arrow_x, rows_end - 6.0, RULE).set("stroke-width", 2))
        .add(
            Polygon::new()
                .set(
                    "points",
                    format!(
                        "{},{} {},{} {},{}",
                        px(arrow_x - 5.0),
                        px(rows_end - 8.0),
                        px(arrow_x + 5.0),
                        px(rows_end - 8.0),
                        px(arrow_x),
                        px(rows_end)
                    ),
                )
                .set("fill", RULE),
        )
        // Its label, along it, read top to bottom.
        .add({
            let (x, y) = (arrow_x - 10.0, (rows_y + rows_end) / 2.0);
            text("time", x, y, 11.0, SANS, MUTED)
                .set("text-anchor", "middle")
                .set("transform", format!("rotate(90 {} {})", px(x), px(y)))
        });

    // First the bands behind the rows, then the lanes over them, then the boxes over the lanes.
    for (number, (step, &top)) in schedule.steps.iter().zip(&tops).enumerate() {
        let alert = !step.note.is_empty();
        let height = ROW + if alert { NOTE_ROW } else { 0.0 };
        // A light band behind every other step, and behind a noted one, to read across; a noted
        // band keeps a pixel of white at each edge, so two noted steps in a row stay two.
        let band = |inset: f64, fill| {
            rect(
                lanes_x - 2.0,
                top + inset,
                WIDTH - MARGIN - lanes_x + 2.0,
                height - 2.0 * inset,
                fill,
            )
        };
        if alert {
            picture = picture.add(band(1.0, ALERT_TINT));
        } else if number % 2 == 1 {
            picture = picture.add(band(0.0, STRIPE));
        }
    }
    for lane in 0..schedule.lanes.len() {
        // The lane: a dashed line down the middle of its column, over the bands.
        let (colour, _) = LANES[lane % LANES.len()];
        let middle = lane_x(lane) + lane_width / 2.0;
        picture = picture.add(
            line(middle, header_y + header_height, middle, rows_end, colour)
                .set("stroke-width", 2)
                .set("stroke-opacity", "0.5")
                .set("stroke-dasharray", "4 4"),
        );
    }
    for (number, (step, &top)) in schedule.steps.iter().zip(&tops).enumerate() {
        let (colour, tint) = LANES[step.lane % LANES.len()];
        let alert = !step.note.is_empty();
        let middle = top + ROW / 2.0 + 4.5;
        let x = lane_x(step.lane) + PAD;
        let (stroke, fill, weight) = match alert {
            true => (ALERT, "#ffffff", 2.5),
            false => (colour, tint, 1.5),
        };
        picture = picture
            .add(
                text(
                    &(number + 1).to_string(),
                    MARGIN + STEP_COLUMN - PAD,
                    middle,
                    12.0,
                    MONO,
                    MUTED,
                )
                .set("text-anchor", "end"),
            )
            .add(
                rect(
                    x,
                    top + (ROW - BOX) / 2.0,
                    lane_width - 2.0 * PAD,
                    BOX,
                    fill,
                )
                .set("rx", 5)
                .set("stroke", stroke)
                .set("stroke-width", px(weight)),
            )
            .add(text(&step.does, x + PAD, middle, label_size, MONO, INK))
            .add({
                let beside = text(&step.beside, beside_x + PAD, middle, LABEL, MONO, INK);
                match alert {
                    true => beside.set("fill", ALERT).set("font-weight", "bold"),
                    false => beside,
                }
            });
        if alert {
            // The note, under its box, from the box's left edge, moved left if it would not fit.
            let note = format!("\u{2191} {}", step.note);
            let width = mono_width(&note, NOTE);
            let note_x = x.min(WIDTH - MARGIN - PAD - width).max(lanes_x);
            picture = picture.add(
                text(&note, note_x, top + ROW + NOTE_ROW / 2.0, NOTE, MONO, ALERT)
                    .set("font-weight", "bold"),
            );
        }
    }

    picture = picture
        .add(line(
            lanes_x - 2.0,
            rows_end + 6.0,
            WIDTH - MARGIN,
            rows_end + 6.0,
            RULE,
        ))
        .add(text(&schedule.end, lanes_x, end_y, 14.0, SANS, INK).set("font-weight", "bold"));
    format!("{picture}\n")
}

fn generated_by(command: &str, source: &str) -> String {
    format!("Generated by {command} from {source}")
}

/// One row of the table the chart draws (docs/performance.md's), its cells as the table writes them.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The threads column as written: `1`, `2 (every core)`.
    pub threads: String,
    /// The strategy column as written.
    pub strategy: String,
    /// The median sample, ns per call: its length.
    pub median: f64,
    /// The median as the table writes it (`4.20`): its label.
    pub median_as_written: String,
    /// The last column as written: `16×`, `1× (the floor)`.
    pub ratio: String,
}

impl Bar {
    fn is_floor(&self) -> bool {
        self.ratio.contains("floor")
    }
}

/// `1` → `1 thread`, `2 (every core)` → `2 threads (every core)`.
fn threads_heading(threads: &str) -> String {
    let (count, rest) = threads.split_once(' ').unwrap_or((threads, ""));
    let noun = if count == "1" { "thread" } else { "threads" };
    format!("{count} {noun} {rest}").trim_end().to_string()
}

/// The ends of a log scale for `values`: the power of ten at or below the least, and the one at
/// or above the greatest (at least one decade apart).
fn log_scale(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let least = values.clone().fold(f64::INFINITY, f64::min);
    let greatest = values.fold(0.0, f64::max);
    // Rounded first, so that a value that is a power of ten (1 written as 0.999...) stays on it.
    let power =
        |value: f64, round: fn(f64) -> f64| 10f64.powf(round((value.log10() * 1e6).round() / 1e6));
    let low = power(least, f64::floor);
    let high = power(greatest, f64::ceil).max(low * 10.0);
    (low, high)
}

/// The chart: for each thread count, a bar per strategy (its median, ns per call; the table keeps
/// the fastest and slowest sample, which would stretch the scale on a noisy run), the floor marked
/// by a dashed line, each bar labelled with
/// its median and its ratio to the floor. `source` says where the table is.
pub fn chart_svg(bars: &[Bar], source: &str) -> String {
    const LABEL: f64 = 13.0;
    const BAR: f64 = 20.0;
    const PITCH: f64 = 42.0;
    const GROUP_HEADING: f64 = 30.0;
    const GROUP_GAP: f64 = 14.0;

    // Each strategy keeps its colour in every group; the racy one is the alert colour.
    let mut strategies: Vec<&str> = Vec::new();
    let mut groups: Vec<&str> = Vec::new();
    for bar in bars {
        if !strategies.contains(&bar.strategy.as_str()) {
            strategies.push(&bar.strategy);
        }
        if !groups.contains(&bar.threads.as_str()) {
            groups.push(&bar.threads);
        }
    }
    let colour = |strategy: &str| {
        let index = strategies.iter().position(|s| *s == strategy).unwrap_or(0);
        match strategy.contains("WRONG") {
            true => ALERT,
            false => LANES[index % LANES.len()].0,
        }
    };
    // A strategy's label: its name, and under it, smaller, what the table adds in parentheses.
    let label = |strategy: &str| -> (String, String) {
        match strategy.split_once(" (") {
            Some((name, more)) => (name.to_string(), format!("({more}")),
            None => (strategy.to_string(), String::new()),
        }
    };
    let label_width = strategies
        .iter()
        .map(|strategy| {
            let (name, more) = label(strategy);
            (name.chars().count() as f64 * LABEL * SANS_EM)
                .max(more.chars().count() as f64 * 11.0 * SANS_EM)
        })
        .fold(0.0, f64::max);
    let bars_x = MARGIN + label_width + 16.0;
    // Room right of the longest bar for its label.
    let value = |bar: &Bar| match bar.is_floor() {
        true => format!("{} ns · {}", bar.median_as_written, bar.ratio),
        false => format!("{} ns · {} the floor", bar.median_as_written, bar.ratio),
    };
    let value_room = bars
        .iter()
        .map(|bar| mono_width(&value(bar), 12.0))
        .fold(0.0, f64::max)
        + 14.0;
    let bars_width = WIDTH - MARGIN - value_room - bars_x;
    // A log scale, from the power of ten at or below the cheapest bar to the one at or above the
    // dearest: the floor's fraction of a nanosecond and the contended lock's tens of nanoseconds
    // both get a bar that can be read, and equal ratios are equal lengths.
    let (low, high) = log_scale(bars.iter().map(|bar| bar.median));
    let decades = (high / low).log10();
    let x_of = |ns: f64| bars_x + (ns / low).log10() / decades * bars_width;

    let title = "What one call costs: nanoseconds per call, by strategy and thread count";
    let title_y = MARGIN + 16.0;
    let subtitle_y = title_y + 22.0;
    let plot_y = subtitle_y + 18.0;
    let mut tops = Vec::new();
    let mut y = plot_y;
    for group in &groups {
        tops.push(y);
        y += GROUP_HEADING + PITCH * bars.iter().filter(|b| b.threads == *group).count() as f64;
        y += GROUP_GAP;
    }
    let plot_end = y - GROUP_GAP;
    let axis_y = plot_end + 18.0;
    let height = axis_y + MARGIN;

    let description = format!(
        "Bar chart of {source}: the median nanoseconds per call of each strategy ({}), grouped by \
         thread count ({}); the per-thread strategy, which shares nothing, is the floor the others \
         are held against. {}.",
        strategies.join("; "),
        groups.join("; "),
        generated_by("cargo xtask bench --write-docs", source)
    );
    let mut picture = document(
        height,
        title,
        &format!(
            "{}. Do not edit: cargo xtask bench with its write-docs flag redraws it.",
            generated_by("cargo xtask bench", source)
        ),
        &description,
    )
    .add(text(title, MARGIN, title_y, 16.0, SANS, INK).set("font-weight", "bold"))
    .add(text(
        "The median of each strategy's samples; shorter is cheaper. A log scale: each grid line \
         is 10 times the one before.",
        MARGIN,
        subtitle_y,
        12.0,
        SANS,
        MUTED,
    ));

    // The grid, behind the bars: a labelled line at each power of ten, fainter ones at 2 and 5
    // times it; the scale under them.
    let mut decade = low;
    while decade <= high * 1.001 {
        for (times, faint) in [(1.0, false), (2.0, true), (5.0, true)] {
            let ns = decade * times;
            if ns > high * 1.001 {
                break;
            }
            let x = x_of(ns);
            let mut grid = line(x, plot_y, x, plot_end, RULE).set("stroke-width", 1);
            if faint {
                grid = grid.set("stroke-dasharray", "2 3");
            } else {
                picture = picture.add(
                    text(
                        &format!("{} ns", trim_number(ns)),
                        x,
                        axis_y,
                        11.0,
                        MONO,
                        MUTED,
                    )
                    .set("text-anchor", "middle"),
                );
            }
            picture = picture.add(grid);
        }
        decade *= 10.0;
    }

    for (group, &group_top) in groups.iter().zip(&tops) {
        let rows: Vec<&Bar> = bars.iter().filter(|bar| bar.threads == *group).collect();
        picture = picture.add(
            text(
                &threads_heading(group),
                MARGIN,
                group_top + 20.0,
                14.0,
                SANS,
                INK,
            )
            .set("font-weight", "bold"),
        );
        let rows_top = group_top + GROUP_HEADING;
        let rows_end = rows_top + PITCH * rows.len() as f64;
        for (index, bar) in rows.iter().enumerate() {
            let y = rows_top + PITCH * index as f64;
            let bar_y = y + (PITCH - BAR) / 2.0;
            let middle = y + PITCH / 2.0;
            let colour = colour(&bar.strategy);
            let (name, more) = label(&bar.strategy);
            let name_y = if more.is_empty() {
                middle + 4.5
            } else {
                middle - 1.0
            };
            let mut name_text =
                plain(&name, bars_x - 16.0, name_y, LABEL, INK).set("text-anchor", "end");
            if bar.is_floor() {
                name_text = name_text.set("font-weight", "bold");
            }
            picture = picture.add(name_text);
            if !more.is_empty() {
                let more_colour = if colour == ALERT { ALERT } else { MUTED };
                picture = picture.add(
                    plain(&more, bars_x - 16.0, middle + 13.0, 11.0, more_colour)
                        .set("text-anchor", "end"),
                );
            }
            // At least 2 px, so the floor's bar shows at any scale.
            let width = (x_of(bar.median) - bars_x).max(2.0);
            let mut drawn = rect(bars_x, bar_y, width, BAR, colour).set("rx", 2);
            if colour == ALERT {
                drawn = drawn.set("fill-opacity", "0.75");
            }
            picture = picture.add(drawn);
            // On white, so the grid's lines do not cross it.
            let label = value(bar);
            picture = picture.add(rect(
                bars_x + width + 4.0,
                middle - 8.0,
                mono_width(&label, 12.0) + 8.0,
                16.0,
                "#ffffff",
            ));
            let mut figure = text(&label, bars_x + width + 8.0, middle + 4.5, 12.0, MONO, INK);
            if bar.is_floor() {
                figure = figure.set("font-weight", "bold");
            }
            picture = picture.add(figure);
        }
        // The floor: a dashed line through the group at the per-thread median.
        if let Some(floor) = rows.iter().find(|bar| bar.is_floor()) {
            let x = x_of(floor.median);
            picture = picture
                .add(
                    line(x, rows_top - 4.0, x, rows_end, INK)
                        .set("stroke-width", 1.5)
                        .set("stroke-dasharray", "5 3"),
                )
                .add(text("floor", x + 4.0, rows_top + 2.0, 11.0, SANS, INK));
        }
    }

    format!("{picture}\n")
}

/// A sans-serif `<text>`, without the Markdown code spans' backticks (`` `locked` ``). (In a
/// `<tspan>` of their own, in monospace, they would gain a space after them: the `svg` crate puts
/// each `<tspan>` on a line of its own, and a renderer shows that line break as a space.)
fn plain(content: &str, x: f64, y: f64, size: f64, fill: &str) -> Text {
    text(&content.replace('`', ""), x, y, size, SANS, fill)
}

/// A grid line's figure, without trailing zeros: `10`, `2.5`.
fn trim_number(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lock-balance contrast's figure, as a run reported it.
    const LOST_UPDATE: &str = "title\tWithout the lock: two threads, one balance, an update lost
lanes\tThread-1 (n=5)\tThread-2 (n=8)
beside\tbalance
step\t0\treads 0\t0\t
step\t0\twrites 0 + 5 = 5\t5\t
step\t0\treads 5\t5\t
step\t1\treads 5\t5\t
step\t1\twrites 5 + 8 = 13\t13\t
step\t1\treads 13\t13\t
step\t0\twrites 5 - 5 = 0\t0\toverwrites 13: an update is lost
step\t1\twrites 13 - 8 = 5\t5\toverwrites 0: an update is lost
end\tfinal balance: 5 (the Python's comment says it should be 0)";

    const SOURCE: &str = "crates/lock-balance/tests/proofs.rs::model";

    /// Every `<text>`'s content (its `<tspan>`s' included), in order.
    fn texts(svg: &str) -> Vec<String> {
        let document = roxmltree::Document::parse(svg).expect("the SVG parses as XML");
        document
            .descendants()
            .filter(|node| node.has_tag_name("text"))
            .map(|node| {
                let all: String = node
                    .descendants()
                    .filter(|inner| inner.is_text())
                    .filter_map(|inner| inner.text())
                    .collect();
                all.trim().to_string()
            })
            .collect()
    }

    /// The picture's `<desc>`, where it says what made it.
    fn description(svg: &str) -> String {
        let document = roxmltree::Document::parse(svg).expect("the SVG parses as XML");
        let desc = document
            .descendants()
            .find(|node| node.has_tag_name("desc"));
        desc.and_then(|node| node.text()).unwrap_or("").to_string()
    }

    /// Parses as XML, is an `<svg>` with a `viewBox`, and says it is generated.
    fn well_formed(svg: &str) -> roxmltree::Document<'_> {
        let document = roxmltree::Document::parse(svg).expect("the SVG parses as XML");
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        let view_box = root.attribute("viewBox").expect("a viewBox");
        assert_eq!(view_box.split(' ').count(), 4, "{view_box}");
        let comment = document
            .descendants()
            .find(|node| node.is_comment())
            .and_then(|node| node.text())
            .expect("a comment");
        assert!(
            comment.trim().starts_with("Generated by cargo xtask"),
            "{comment}"
        );
        document
    }

    #[test]
    fn a_schedule_reads_back_as_it_was_written() {
        let schedule = Schedule::parse(LOST_UPDATE).unwrap();
        assert_eq!(schedule.lanes, ["Thread-1 (n=5)", "Thread-2 (n=8)"]);
        assert_eq!(schedule.steps.len(), 8);
        assert_eq!(schedule.steps[6].note, "overwrites 13: an update is lost");
        assert_eq!(schedule.to_string(), LOST_UPDATE);
        assert!(
            Schedule::parse("lanes\tA\nstep\t1\treads\t0\t").is_err(),
            "no lane 1"
        );
    }

    #[test]
    fn a_schedule_picture_is_well_formed_and_shows_every_thread_and_step() {
        let schedule = Schedule::parse(LOST_UPDATE).unwrap();
        let svg = schedule_svg(&schedule, SOURCE);
        well_formed(&svg);
        let texts = texts(&svg);
        for wanted in schedule
            .lanes
            .iter()
            .chain(schedule.steps.iter().map(|step| &step.does))
            .chain(schedule.steps.iter().map(|step| &step.beside))
        {
            assert!(texts.contains(wanted), "no text {wanted:?} in {texts:?}");
        }
        for step in schedule.steps.iter().filter(|step| !step.note.is_empty()) {
            assert!(
                texts.iter().any(|text| text.ends_with(&step.note)),
                "no note {:?}",
                step.note
            );
        }
        assert!(texts.contains(&schedule.end));
        // What made it is in its metadata, not drawn.
        assert!(description(&svg).contains(SOURCE));
        assert!(!texts.iter().any(|text| text.contains("Generated")));
        assert!(
            texts.contains(&"time".to_string()),
            "the time axis is labelled"
        );
        // The same figures, the same file.
        assert_eq!(
            svg,
            schedule_svg(&Schedule::parse(LOST_UPDATE).unwrap(), SOURCE)
        );
    }

    /// The narrow drawing: every lane, step and value is there, and no text runs past its edge
    /// (monospace text measured as drawn; the sans-serif title and outcome are wrapped with room).
    #[test]
    fn a_narrow_schedule_shows_every_lane_and_step_within_its_width() {
        let schedule = Schedule::parse(LOST_UPDATE).unwrap();
        let svg = narrow_schedule_svg(&schedule, SOURCE);
        let document = well_formed(&svg);
        let root = document.root_element();
        assert_eq!(root.attribute("width"), Some(px(NARROW).as_str()));
        let texts = texts(&svg);
        for wanted in schedule
            .lanes
            .iter()
            .chain(schedule.steps.iter().map(|s| &s.does))
        {
            assert!(texts.contains(wanted), "no text {wanted:?} in {texts:?}");
        }
        for step in &schedule.steps {
            let beside = format!("{}: {}", schedule.beside, step.beside);
            assert!(
                texts.iter().any(|t| beside.starts_with(t.as_str())),
                "no {beside:?}"
            );
        }
        for node in document.descendants().filter(|n| n.has_tag_name("text")) {
            let x: f64 = node.attribute("x").unwrap().parse().unwrap();
            let size: f64 = node.attribute("font-size").unwrap().parse().unwrap();
            let content = node.text().unwrap_or_default().trim();
            let anchored_end = node.attribute("text-anchor") == Some("end");
            let right = if anchored_end {
                x
            } else {
                x + mono_width(content, size)
            };
            assert!(
                right <= NARROW,
                "{content:?} ends at {right} px, past {NARROW}"
            );
        }
        assert_eq!(svg, narrow_schedule_svg(&schedule, SOURCE));
        assert_eq!(narrow("a-b.svg"), "a-b-narrow.svg");
    }

    /// A table like the one on docs/performance.md, some rows left out.
    fn bars() -> Vec<Bar> {
        let bar = |threads: &str, strategy: &str, median: &str, ratio: &str| Bar {
            threads: threads.into(),
            strategy: strategy.into(),
            median: median.parse().unwrap(),
            median_as_written: median.into(),
            ratio: ratio.into(),
        };
        let (mutex, floor) = (
            "Mutex (the lesson's `locked`)",
            "per-thread (nothing shared)",
        );
        let racy = "racy load, then store (WRONG RESULT, cost only)";
        vec![
            bar("1", mutex, "4.25", "16×"),
            bar("1", floor, "0.269", "1× (the floor)"),
            bar("2 (every core)", mutex, "8.06", "30×"),
            bar("2 (every core)", racy, "7.05", "26×"),
            bar("2 (every core)", floor, "0.269", "1× (the floor)"),
        ]
    }

    #[test]
    fn the_chart_is_well_formed_and_shows_every_group_and_figure() {
        let bars = bars();
        let svg = chart_svg(&bars, "the table");
        well_formed(&svg);
        let texts = texts(&svg);
        for wanted in [
            "1 thread",
            "2 threads (every core)",
            "Mutex",
            "(the lesson's locked)",
            "per-thread",
            "floor",
        ] {
            assert!(
                texts.iter().any(|t| t == wanted),
                "no {wanted:?} in {texts:?}"
            );
        }
        for bar in &bars {
            let value = format!("{} ns · {}", bar.median_as_written, bar.ratio);
            assert!(
                texts.iter().any(|text| text.starts_with(&value)),
                "no {value:?} in {texts:?}"
            );
        }
        assert_eq!(
            svg,
            chart_svg(&bars, "the table"),
            "the same figures, the same file"
        );
    }

    #[test]
    fn a_log_scale_spans_whole_decades() {
        assert_eq!(log_scale([0.269, 8.06].into_iter()), (0.1, 10.0));
        assert_eq!(log_scale([0.27, 64.7].into_iter()), (0.1, 100.0));
        assert_eq!(log_scale([1.0, 10.0].into_iter()), (1.0, 10.0));
        assert_eq!(log_scale([4.0, 5.0].into_iter()), (1.0, 10.0));
        assert_eq!(trim_number(10.0), "10");
        assert_eq!(trim_number(0.269), "0.269");
        assert_eq!(threads_heading("2 (every core)"), "2 threads (every core)");
        assert_eq!(threads_heading("1"), "1 thread");
    }

    /// The committed pictures: each parses, has a viewBox, says it is generated, and the schedules
    /// are embedded in their chapters (bench.rs checks the chart's page).
    #[test]
    fn the_docs_pictures_are_well_formed_and_embedded() {
        let ws = Workspace::find(false).expect("the tests run inside the repo");
        let read = |file: &str| fs::read_to_string(ws.root.join(DIR).join(file)).unwrap();
        for (lesson, model, file) in SCHEDULES {
            let svg = read(file);
            well_formed(&svg);
            let source = format!("crates/{lesson}/tests/proofs.rs::{model}");
            assert!(description(&svg).contains(&source), "{file}");
            let chapter = fs::read_to_string(ws.root.join(format!("docs/{lesson}.md"))).unwrap();
            assert!(
                chapter.contains(&format!("src=\"pictures/{file}\"")),
                "docs/{lesson}.md does not embed {file}"
            );
            let narrow = narrow(file);
            let svg = read(&narrow);
            well_formed(&svg);
            assert!(description(&svg).contains(&source), "{narrow}");
            assert!(
                chapter.contains(&format!("srcset=\"pictures/{narrow}\"")),
                "docs/{lesson}.md does not offer {narrow} to a narrow window"
            );
        }
        well_formed(&read(CHART));
    }
}
