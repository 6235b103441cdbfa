//! One model of a statistics table and its four renderings: the page's
//! HTML table, CSV, XLSX and an SVG bar chart. Every figure the statistics
//! pages show or export goes through [`StatsTable`], so a table cannot say
//! one thing on the page and another in the file a manager downloads.
//!
//! Numbers are shown the Swedish way in the page and the CSV ("91,3 %",
//! "1 234 567,89 kr", "1 min 05 s", a minus sign U+2212 for negatives),
//! with a no-break space between digit groups and before a unit, so that a
//! number never wraps in a narrow cell. The XLSX holds them as real numbers
//! with number formats, so a spreadsheet can compute with them.
//!
//! The tables hold statistics only — never a name, number or free text
//! from a case — and a small count hidden by the privacy rule is a
//! [`Value::Suppressed`], shown as "< 5" everywhere, never its number.

use std::borrow::Cow;
use std::fmt;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, Workbook};

use crate::i18n::Lang;
use crate::problem::{ApiError, PageError};

/// Between digit groups and before units: a no-break space keeps a number
/// on one line (and is Swedish Excel's own digit-group separator).
const NBSP: char = '\u{a0}';
/// The minus sign Swedish typography uses; it also keeps a negative number
/// in a CSV from starting with `-`, which spreadsheets read as a formula.
const MINUS: char = '\u{2212}';
/// A percentage that cannot be computed (nothing to divide by).
const NO_VALUE: &str = "–";

pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The CSS class of numeric cells (right-aligned by the stylesheet).
pub const NUMERIC_CLASS: &str = "num";

/// What a column holds: how its cells are aligned, shown and exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Count,
    Percent,
    Duration,
    Money,
}

impl Kind {
    pub fn is_numeric(self) -> bool {
        !matches!(self, Kind::Text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Already translated.
    pub header: String,
    pub kind: Kind,
}

impl Column {
    pub fn new(header: impl Into<String>, kind: Kind) -> Column {
        Column {
            header: header.into(),
            kind,
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// Text that links to the same figures narrowed to this row (a
    /// drill-down); the link shows on the page only, the text everywhere.
    Link {
        text: String,
        href: String,
    },
    Count(u64),
    /// A count below `below`, hidden by the privacy rule: shown as
    /// "< 5", in every rendering, never as the number.
    Suppressed {
        below: u64,
    },
    /// A share as a fraction (0.913 is 91,3 %); `None` when there was
    /// nothing to divide by, shown as "–".
    Percent(Option<f64>),
    Seconds(u64),
    /// Money in öre, shown in kronor.
    Ore(i64),
    Empty,
}

impl Value {
    /// A count under the privacy rule: a count of 1 up to `below - 1` is
    /// suppressed; zero is shown (it points at no one).
    pub fn count_or_suppressed(count: u64, below: u64) -> Value {
        if count > 0 && count < below {
            Value::Suppressed { below }
        } else {
            Value::Count(count)
        }
    }

    pub fn text(text: impl Into<String>) -> Value {
        Value::Text(text.into())
    }

    /// The cell on the page: a link's text as a link, anything else as
    /// it reads.
    fn html(&self) -> Markup {
        match self {
            Value::Link { text, href } => html! { a href=(href) { (text) } },
            other => html! { (other) },
        }
    }

    /// The number a chart draws (in the cell's own unit: a fraction,
    /// seconds, öre); `None` for text, hidden counts and missing shares.
    pub fn magnitude(&self) -> Option<f64> {
        match self {
            Value::Count(n) => Some(*n as f64),
            Value::Percent(Some(p)) if p.is_finite() => Some(*p),
            Value::Seconds(s) => Some(*s as f64),
            Value::Ore(o) => Some(*o as f64),
            _ => None,
        }
    }
}

/// The one way a cell reads, on the page, in the CSV and in the chart.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(t) | Value::Link { text: t, .. } => f.write_str(t),
            Value::Count(n) => f.write_str(&group_digits(&n.to_string())),
            Value::Suppressed { below } => write!(f, "<{NBSP}{below}"),
            Value::Percent(Some(p)) if p.is_finite() => {
                write!(f, "{}{NBSP}%", decimal(p * 100.0, 1))
            }
            Value::Percent(_) => f.write_str(NO_VALUE),
            Value::Seconds(s) => f.write_str(&duration(*s)),
            Value::Ore(o) => {
                let sign = if *o < 0 {
                    MINUS.to_string()
                } else {
                    String::new()
                };
                let abs = o.unsigned_abs();
                let kronor = group_digits(&(abs / 100).to_string());
                write!(f, "{sign}{kronor},{:02}{NBSP}kr", abs % 100)
            }
            Value::Empty => Ok(()),
        }
    }
}

/// "1234567" → "1 234 567" (no-break spaces).
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NBSP);
        }
        out.push(c);
    }
    out
}

/// `x` with `places` decimals, a decimal comma, grouped digits and a minus
/// sign; never "−0,0".
fn decimal(x: f64, places: usize) -> String {
    let fixed = format!("{:.places$}", x.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let negative = x < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if negative {
        out.push(MINUS);
    }
    out.push_str(&group_digits(int));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// To the second under an hour ("1 min 05 s"), to the minute under a day
/// ("2 h 03 min"), to the hour beyond ("3 d 04 h"); the XLSX has the
/// exact value.
fn duration(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    let sp = NBSP;
    if seconds < 60 {
        format!("{s}{sp}s")
    } else if seconds < 3600 {
        format!("{m}{sp}min {s:02}{sp}s")
    } else if seconds < 86_400 {
        format!("{h}{sp}h {m:02}{sp}min")
    } else {
        format!("{}{sp}d {h:02}{sp}h", group_digits(&d.to_string()))
    }
}

/// A table of figures: what the page shows and what is exported.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsTable {
    /// A slug (`a-z`, `0-9`, `-`) for file names and anchors.
    pub id: String,
    /// Already translated.
    pub caption: String,
    pub columns: Vec<Column>,
    /// One value per column; a short row is filled with [`Value::Empty`],
    /// values beyond the columns are not shown.
    pub rows: Vec<Vec<Value>>,
}

/// The texts around a table, in the viewer's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    pub download_csv: String,
    pub download_xlsx: String,
    /// In place of the rows when there are none.
    pub no_data: String,
    /// Under a table with a hidden count: what "< 5" means.
    pub suppressed_note: String,
    /// Before the target line's value in a chart ("Mål 70,0 %").
    pub target: String,
}

impl Labels {
    pub fn new(lang: Lang) -> Labels {
        Labels {
            download_csv: lang.t("stats-download-csv"),
            download_xlsx: lang.t("stats-download-xlsx"),
            no_data: lang.t("stats-no-data"),
            suppressed_note: lang.t("stats-suppressed-note"),
            target: lang.t("stats-target"),
        }
    }
}

/// A bar chart of one numeric column against the first (label) column.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// The column whose values are drawn (not 0, the labels).
    pub column: usize,
    /// Already translated; the chart's accessible name.
    pub title: String,
    /// Already translated; what the chart shows. The values themselves are
    /// appended, so the description alone carries the information.
    pub desc: String,
    /// A line drawn across the bars, e.g. `Value::Percent(Some(0.7))` for
    /// the first-contact resolution target.
    pub target: Option<Value>,
}

/// `base` with `format=<format>` in its query string, replacing a format
/// it already had.
pub fn export_url(base: &str, format: &str) -> String {
    let (rest, fragment) = match base.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (base, None),
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let format_pair = format!("format={format}");
    let pairs: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("format"))
        .chain([format_pair.as_str()])
        .collect();
    let mut url = format!("{path}?{}", pairs.join("&"));
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

impl StatsTable {
    pub fn new(id: impl Into<String>, caption: impl Into<String>, columns: Vec<Column>) -> Self {
        StatsTable {
            id: id.into(),
            caption: caption.into(),
            columns,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    /// The cells of a row, exactly one per column.
    fn cells<'a>(&'a self, row: &'a [Value]) -> impl Iterator<Item = (&'a Column, &'a Value)> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c, row.get(i).unwrap_or(&Value::Empty)))
    }

    /// The id as a file name stem: only `a-z0-9-_`, whatever the caller
    /// passed, so it is safe in `Content-Disposition` and as an anchor.
    pub fn slug(&self) -> String {
        let slug: String = self
            .id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        if slug.is_empty() {
            "statistik".to_owned()
        } else {
            slug
        }
    }

    fn has_suppressed(&self) -> bool {
        self.rows
            .iter()
            .flatten()
            .any(|v| matches!(v, Value::Suppressed { .. }))
    }

    /// The table with its caption, and links to the same table as CSV and
    /// XLSX: `export_base` (the caller's route, with or without a query)
    /// plus `format=csv` / `format=xlsx`.
    pub fn to_html(&self, export_base: &str, labels: &Labels) -> Markup {
        let slug = self.slug();
        let caption_id = format!("{slug}-caption");
        let class = |c: &Column| c.kind.is_numeric().then_some(NUMERIC_CLASS);
        html! {
            div.stats-table id=(slug) {
                table {
                    caption id=(caption_id) { (self.caption) }
                    thead {
                        tr {
                            @for c in &self.columns {
                                th scope="col" class=[class(c)] { (c.header) }
                            }
                        }
                    }
                    tbody {
                        @for row in &self.rows {
                            tr {
                                @for (i, (c, v)) in self.cells(row).enumerate() {
                                    @if i == 0 {
                                        th scope="row" class=[class(c)] { (v.html()) }
                                    } @else {
                                        td class=[class(c)] { (v.html()) }
                                    }
                                }
                            }
                        }
                        @if self.rows.is_empty() {
                            tr { td colspan=(self.columns.len().max(1)) { (labels.no_data) } }
                        }
                    }
                }
                @if self.has_suppressed() {
                    p.stats-note { (labels.suppressed_note) }
                }
                p.stats-downloads {
                    a href=(export_url(export_base, "csv")) aria-describedby=(caption_id) { (labels.download_csv) }
                    " "
                    a href=(export_url(export_base, "xlsx")) aria-describedby=(caption_id) { (labels.download_xlsx) }
                }
            }
        }
    }

    /// RFC 4180: UTF-8 with a byte order mark (so Excel reads å, ä, ö),
    /// comma-separated, CRLF line ends, a header row.
    pub fn to_csv(&self) -> String {
        let mut out = String::from('\u{feff}');
        let mut line = |fields: &mut dyn Iterator<Item = String>| {
            let fields: Vec<String> = fields.map(|f| csv_field(&f).into_owned()).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        };
        line(&mut self.columns.iter().map(|c| c.header.clone()));
        for row in &self.rows {
            line(&mut self.cells(row).map(|(_, v)| v.to_string()));
        }
        out
    }

    /// The table as a download in `format` (`csv` or `xlsx`).
    pub fn response(&self, format: &str) -> Result<Response, PageError> {
        match format {
            "csv" => Ok(self.csv_response()),
            "xlsx" => Ok(self.xlsx_response()?),
            other => Err(PageError::Invalid(format!(
                "format: '{other}' is not one of csv, xlsx"
            ))),
        }
    }

    pub fn csv_response(&self) -> Response {
        attachment(
            CSV_CONTENT_TYPE,
            &format!("{}.csv", self.slug()),
            self.to_csv().into_bytes(),
        )
    }

    /// The table as a workbook of one sheet: a bold header row that stays
    /// in view, numbers as numbers (shares as fractions formatted as
    /// percentages, money in kronor, durations as time), columns as wide
    /// as their contents.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, ExportError> {
        let mut workbook = Workbook::new();
        workbook.set_properties(&DocProperties::new().set_title(&self.caption));
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&self.caption, &self.slug()))?;
        let header = Format::new().set_bold();
        let header_right = Format::new().set_bold().set_align(FormatAlign::Right);
        let right = Format::new().set_align(FormatAlign::Right);
        let count = Format::new().set_num_format("#,##0");
        let percent = Format::new().set_num_format("0.0%");
        let money = Format::new().set_num_format("#,##0.00 \"kr\"");
        let time = Format::new().set_num_format("[h]:mm:ss");

        let mut widths: Vec<usize> = self
            .columns
            .iter()
            .map(|c| c.header.chars().count())
            .collect();
        for (col, c) in self.columns.iter().enumerate() {
            let format = if c.kind.is_numeric() {
                &header_right
            } else {
                &header
            };
            sheet.write_string_with_format(0, col as u16, &c.header, format)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (col, (_, v)) in self.cells(row).enumerate() {
                widths[col] = widths[col].max(v.to_string().chars().count());
                let col = col as u16;
                match v {
                    Value::Text(t) | Value::Link { text: t, .. } => {
                        sheet.write_string(r, col, t)?;
                    }
                    Value::Count(n) => {
                        sheet.write_number_with_format(r, col, *n as f64, &count)?;
                    }
                    Value::Percent(Some(p)) if p.is_finite() => {
                        sheet.write_number_with_format(r, col, *p, &percent)?;
                    }
                    Value::Seconds(s) => {
                        sheet.write_number_with_format(r, col, *s as f64 / 86_400.0, &time)?;
                    }
                    Value::Ore(o) => {
                        sheet.write_number_with_format(r, col, *o as f64 / 100.0, &money)?;
                    }
                    // Not a number a spreadsheet may add up: text, as shown.
                    Value::Suppressed { .. } | Value::Percent(_) => {
                        sheet.write_string_with_format(r, col, v.to_string(), &right)?;
                    }
                    Value::Empty => {}
                }
            }
        }
        for (col, width) in widths.into_iter().enumerate() {
            sheet.set_column_width(col as u16, (width + 2).clamp(8, 60) as f64)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(workbook.save_to_buffer()?)
    }

    pub fn xlsx_response(&self) -> Result<Response, ExportError> {
        Ok(attachment(
            XLSX_CONTENT_TYPE,
            &format!("{}.xlsx", self.slug()),
            self.to_xlsx()?,
        ))
    }

    /// Horizontal bars for `chart.column` against the first column, with
    /// each value written at its bar (the chart does not rely on colour
    /// or length alone) and the optional target as a dashed line. An SVG
    /// for a page or a file: scales to its container, no style attributes
    /// (only presentation attributes, which the CSP does not govern).
    pub fn bar_chart(&self, chart: &BarChart, labels: &Labels) -> Markup {
        const WIDTH: f64 = 640.0;
        const CHAR: f64 = 7.5; // average width of a 14px character
        const ROW: f64 = 28.0;
        const BAR: f64 = 20.0;
        const INK: &str = "#1a1a1a"; // 17:1 on white
        const BAR_FILL: &str = "#005a9c"; // 7:1 on white
        const TARGET: &str = "#a4000f"; // 8:1 on white
        const AXIS: &str = "#6b6b6b"; // 5:1 on white
        const MAX_LABEL: usize = 28;

        let slug = self.slug();
        let title_id = format!("{slug}-chart-{}-title", chart.column);
        let desc_id = format!("{slug}-chart-{}-desc", chart.column);
        let kind = self.columns.get(chart.column).map(|c| c.kind);
        let bars: Vec<(String, Value)> = self
            .rows
            .iter()
            .map(|row| {
                let label = row.first().map(|v| v.to_string()).unwrap_or_default();
                let value = row.get(chart.column).cloned().unwrap_or(Value::Empty);
                (label, value)
            })
            .collect();
        let target = chart
            .target
            .as_ref()
            .and_then(|t| Some((t.magnitude()?, t)));
        let target_text = target.map(|(_, t)| format!("{} {t}", labels.target));

        let mut desc = chart.desc.trim().to_owned();
        let listed: Vec<String> = bars.iter().map(|(l, v)| format!("{l}: {v}")).collect();
        for part in [listed.join("; "), target_text.clone().unwrap_or_default()] {
            if !part.is_empty() {
                if !desc.is_empty() {
                    desc.push_str(if desc.ends_with('.') { " " } else { ". " });
                }
                desc.push_str(&part);
            }
        }
        if bars.is_empty() {
            desc = format!("{desc} {}", labels.no_data).trim().to_owned();
        }

        let shown: Vec<(String, String)> = bars
            .iter()
            .map(|(l, v)| {
                let label = if l.chars().count() > MAX_LABEL {
                    let cut: String = l.chars().take(MAX_LABEL - 1).collect();
                    format!("{}…", cut.trim_end())
                } else {
                    l.clone()
                };
                (label, v.to_string())
            })
            .collect();
        let widest = |f: fn(&(String, String)) -> &String| {
            shown
                .iter()
                .map(|s| f(s).chars().count())
                .max()
                .unwrap_or(0) as f64
        };
        let label_w = (widest(|s| &s.0) * CHAR + 12.0).clamp(60.0, 230.0);
        let value_w = (widest(|s| &s.1) * CHAR + 12.0).clamp(48.0, 160.0);
        let x0 = label_w;
        let plot_w = WIDTH - label_w - value_w;
        let top = if target.is_some() { 28.0 } else { 8.0 };
        let height = top + ROW * bars.len().max(1) as f64 + 8.0;

        // Shares against the whole (100 %), other figures against the
        // largest; never below the target, so its line is on the chart.
        let largest = bars
            .iter()
            .filter_map(|(_, v)| v.magnitude())
            .chain(target.map(|(t, _)| t))
            .fold(0.0_f64, f64::max);
        let scale = if kind == Some(Kind::Percent) {
            largest.max(1.0)
        } else if largest > 0.0 {
            largest
        } else {
            1.0
        };
        let x_of = |v: f64| x0 + (v.max(0.0) / scale).min(1.0) * plot_w;
        let n = |x: f64| format!("{x:.1}");

        html! {
            svg xmlns="http://www.w3.org/2000/svg" class="stats-chart"
                viewBox=(format!("0 0 {} {}", WIDTH, n(height))) width="100%"
                role="img" aria-labelledby=(format!("{title_id} {desc_id}"))
                font-family="system-ui, sans-serif" font-size="14" {
                title id=(title_id) { (chart.title) }
                desc id=(desc_id) { (desc) }
                @if bars.is_empty() {
                    text x=(n(WIDTH / 2.0)) y=(n(top + ROW / 2.0 + 5.0)) text-anchor="middle" fill=(INK) { (labels.no_data) }
                }
                @for (i, ((label, value_text), (_, value))) in shown.iter().zip(&bars).enumerate() {
                    @let y = top + ROW * i as f64;
                    @let baseline = n(y + BAR / 2.0 + 5.0);
                    text x=(n(x0 - 8.0)) y=(baseline) text-anchor="end" fill=(INK) { (label) }
                    @let end = value.magnitude().map_or(x0, x_of);
                    @if end > x0 {
                        rect x=(n(x0)) y=(n(y)) width=(n(end - x0)) height=(n(BAR)) fill=(BAR_FILL) {}
                    }
                    text x=(n(end + 6.0)) y=(baseline) fill=(INK) { (value_text) }
                }
                line x1=(n(x0)) y1=(n(top - 4.0)) x2=(n(x0)) y2=(n(height - 4.0)) stroke=(AXIS) stroke-width="1" {}
                @if let (Some((t, _)), Some(text)) = (target, &target_text) {
                    @let x = x_of(t);
                    // White under the red, so the line shows across a bar.
                    line x1=(n(x)) y1=(n(top - 6.0)) x2=(n(x)) y2=(n(height - 4.0)) stroke="#ffffff" stroke-width="4" {}
                    line x1=(n(x)) y1=(n(top - 6.0)) x2=(n(x)) y2=(n(height - 4.0)) stroke=(TARGET) stroke-width="2" stroke-dasharray="6 4" {}
                    text x=(n(x.clamp(x0 + 40.0, WIDTH - 40.0))) y=(n(top - 10.0)) text-anchor="middle" fill=(TARGET) { (text) }
                }
            }
        }
    }
}

/// A CSV field: a leading apostrophe for anything a spreadsheet would run
/// as a formula, quoted when it holds a separator, quote or line break.
fn csv_field(field: &str) -> Cow<'_, str> {
    let guarded: Cow<str> = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", guarded.replace('"', "\"\"")))
    } else {
        guarded
    }
}

/// Excel's rules for a sheet name: at most 31 characters (UTF-16 units),
/// none of `[]:*?/\`, not starting or ending with an apostrophe, not empty,
/// not "History" (reserved).
fn sheet_name(caption: &str, fallback: &str) -> String {
    let cleaned: String = caption
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = cleaned.trim_matches('\'').trim();
    let mut name = String::new();
    let mut units = 0;
    let mut cut = false;
    for c in cleaned.chars() {
        units += c.len_utf16();
        if units > 31 {
            cut = true;
            break;
        }
        name.push(c);
    }
    // Cut between words when the caption is long.
    if cut && !cleaned[name.len()..].starts_with(' ') {
        if let Some(space) = name.rfind(' ') {
            name.truncate(space);
        }
    }
    let name = name.trim_end().trim_end_matches('\'').trim_end();
    if name.is_empty() {
        sheet_name(fallback, "Statistik")
    } else if name.eq_ignore_ascii_case("history") {
        "History (1)".to_owned()
    } else {
        name.to_owned()
    }
}

fn attachment(content_type: &'static str, file_name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The workbook could not be written (a limit of the format, such as a
/// cell longer than 32 767 characters).
#[derive(Debug)]
pub struct ExportError(String);

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "statistics export: {}", self.0)
    }
}

impl std::error::Error for ExportError {}

impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ExportError(e.to_string())
    }
}

impl From<ExportError> for ApiError {
    fn from(e: ExportError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<ExportError> for PageError {
    fn from(e: ExportError) -> Self {
        PageError::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    const FORMULA: &str = "=HYPERLINK(\"http://x\",\"<klicka>\")";

    /// Swedish letters, a comma in a label, a hidden count, a share that
    /// cannot be computed, a label that looks like a formula, money.
    fn table() -> StatsTable {
        let mut t = StatsTable::new(
            "fcr-vecka-10",
            "Lösta vid första kontakten: vecka 10/2024",
            vec![
                Column::new("Svarsgrupp", Kind::Text),
                Column::new("Ärenden", Kind::Count),
                Column::new("Lösta direkt", Kind::Percent),
                Column::new("Väntetid", Kind::Duration),
                Column::new("Kostnad", Kind::Money),
            ],
        );
        t.push(vec![
            Value::text("Förskola & skola, Östermalm"),
            Value::Count(1234),
            Value::Percent(Some(0.913)),
            Value::Seconds(65),
            Value::Ore(123_456_789),
        ]);
        t.push(vec![
            Value::text(FORMULA),
            Value::count_or_suppressed(3, 5),
            Value::Percent(None),
            Value::Seconds(3725),
            Value::Ore(-5000),
        ]);
        t.push(vec![
            Value::text("Äldreomsorg"),
            Value::count_or_suppressed(0, 5),
            Value::Percent(Some(0.7)),
            Value::Seconds(59),
        ]);
        t
    }

    fn sv() -> Labels {
        Labels::new(Lang::Sv)
    }

    /// The text with no-break spaces written as plain ones, for reading.
    fn plain(s: &str) -> String {
        s.replace(NBSP, " ")
    }

    #[test]
    fn values_read_the_swedish_way() {
        let cases = [
            (Value::Count(0), "0"),
            (Value::Count(999), "999"),
            (Value::Count(1000), "1 000"),
            (Value::Count(1_234_567), "1 234 567"),
            (Value::Suppressed { below: 5 }, "< 5"),
            (Value::Percent(Some(0.913)), "91,3 %"),
            (Value::Percent(Some(1.0)), "100,0 %"),
            (Value::Percent(Some(12.345)), "1 234,5 %"),
            (Value::Percent(Some(-0.052)), "\u{2212}5,2 %"),
            (Value::Percent(Some(-0.0001)), "0,0 %"),
            (Value::Percent(None), "–"),
            (Value::Percent(Some(f64::NAN)), "–"),
            (Value::Seconds(0), "0 s"),
            (Value::Seconds(59), "59 s"),
            (Value::Seconds(65), "1 min 05 s"),
            (Value::Seconds(3599), "59 min 59 s"),
            (Value::Seconds(3725), "1 h 02 min"),
            (Value::Seconds(90_061), "1 d 01 h"),
            (Value::Ore(123_456_789), "1 234 567,89 kr"),
            (Value::Ore(5), "0,05 kr"),
            (Value::Ore(-5000), "\u{2212}50,00 kr"),
            (Value::Ore(i64::MIN), "\u{2212}92 233 720 368 547 758,08 kr"),
            (Value::text("Östermalm"), "Östermalm"),
            (Value::Empty, ""),
        ];
        for (value, expected) in cases {
            assert_eq!(plain(&value.to_string()), expected, "{value:?}");
        }
        // Numbers never break across lines.
        assert_eq!(Value::Count(1000).to_string(), "1\u{a0}000");
        assert_eq!(
            Value::count_or_suppressed(4, 5),
            Value::Suppressed { below: 5 }
        );
        assert_eq!(Value::count_or_suppressed(5, 5), Value::Count(5));
        assert_eq!(Value::count_or_suppressed(0, 5), Value::Count(0));
    }

    #[test]
    fn csv_is_rfc_4180_with_a_bom_and_no_formulas() {
        let expected = "\u{feff}Svarsgrupp,Ärenden,Lösta direkt,Väntetid,Kostnad\r\n\
            \"Förskola & skola, Östermalm\",1 234,\"91,3 %\",1 min 05 s,\"1 234 567,89 kr\"\r\n\
            \"'=HYPERLINK(\"\"http://x\"\",\"\"<klicka>\"\")\",< 5,–,1 h 02 min,\"\u{2212}50,00 kr\"\r\n\
            Äldreomsorg,0,\"70,0 %\",59 s,\r\n";
        assert_eq!(plain(&table().to_csv()), expected);
        for (field, expected) in [
            ("+46 8 508 00", "'+46 8 508 00"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("två\nrader", "\"två\nrader\""),
            ("a \"b\"", "\"a \"\"b\"\"\""),
            ("Söder", "Söder"),
            ("", ""),
        ] {
            assert_eq!(csv_field(field), expected, "{field:?}");
        }
    }

    #[test]
    fn csv_response_is_an_attachment() {
        let response = table().csv_response();
        let h = response.headers();
        assert_eq!(h[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert_eq!(
            h[header::CONTENT_DISPOSITION],
            "attachment; filename=\"fcr-vecka-10.csv\""
        );
        let mut odd = table();
        odd.id = "Fcr/../x\"y\r\n".into();
        assert_eq!(odd.slug(), "fcr----x-y--");
        odd.id = String::new();
        assert_eq!(odd.slug(), "statistik");
    }

    #[test]
    fn export_urls_add_the_format_to_any_query() {
        for (base, expected) in [
            ("/stats/fcr", "/stats/fcr?format=csv"),
            ("/stats/fcr?", "/stats/fcr?format=csv"),
            (
                "/stats/fcr?week=2024-W10",
                "/stats/fcr?week=2024-W10&format=csv",
            ),
            (
                "/stats/fcr?week=2024-W10&",
                "/stats/fcr?week=2024-W10&format=csv",
            ),
            (
                "/stats/fcr?format=html&week=1",
                "/stats/fcr?week=1&format=csv",
            ),
            ("/stats/fcr?formats=a", "/stats/fcr?formats=a&format=csv"),
            ("/stats/fcr?week=1#fcr", "/stats/fcr?week=1&format=csv#fcr"),
        ] {
            assert_eq!(export_url(base, "csv"), expected, "{base}");
        }
    }

    #[test]
    fn html_is_an_accessible_table_with_download_links() {
        let html = table()
            .to_html("/stats/fcr?week=2024-W10", &sv())
            .into_string();
        for part in [
            "<div class=\"stats-table\" id=\"fcr-vecka-10\">",
            "<caption id=\"fcr-vecka-10-caption\">Lösta vid första kontakten: vecka 10/2024</caption>",
            "<th scope=\"col\">Svarsgrupp</th>",
            "<th scope=\"col\" class=\"num\">Ärenden</th>",
            "<th scope=\"row\">Förskola &amp; skola, Östermalm</th>",
            "<td class=\"num\">1\u{a0}234</td>",
            "<td class=\"num\">91,3\u{a0}%</td>",
            "<td class=\"num\">&lt;\u{a0}5</td>",
            "<td class=\"num\">–</td>",
            "<td class=\"num\">1\u{a0}min 05\u{a0}s</td>",
            "<td class=\"num\">1\u{a0}234\u{a0}567,89\u{a0}kr</td>",
            // The short row is filled, one cell per column.
            "<td class=\"num\">59\u{a0}s</td><td class=\"num\"></td></tr>",
            "&lt;klicka&gt;",
            "<p class=\"stats-note\">",
            "<a href=\"/stats/fcr?week=2024-W10&amp;format=csv\" aria-describedby=\"fcr-vecka-10-caption\">Ladda ner CSV</a>",
            "<a href=\"/stats/fcr?week=2024-W10&amp;format=xlsx\" aria-describedby=\"fcr-vecka-10-caption\">Ladda ner Excel (XLSX)</a>",
        ] {
            assert!(html.contains(part), "{part} not in {html}");
        }
        assert!(!html.contains("<klicka>"), "text is escaped");
        assert!(!html.contains("style="), "no inline style");
        assert_eq!(html.matches("scope=\"row\"").count(), 3);

        let mut empty = table();
        empty.rows.clear();
        let html = empty.to_html("/s", &Labels::new(Lang::En)).into_string();
        assert!(
            html.contains("<td colspan=\"5\">No figures to show.</td>"),
            "{html}"
        );
        assert!(!html.contains("stats-note"));
        assert!(html.contains(">Download CSV</a>"));
    }

    #[test]
    fn labels_exist_in_both_languages() {
        for lang in Lang::ALL {
            let l = Labels::new(lang);
            for text in [
                &l.download_csv,
                &l.download_xlsx,
                &l.no_data,
                &l.suppressed_note,
                &l.target,
            ] {
                assert!(!text.starts_with("stats-"), "{}: {text}", lang.code());
            }
        }
        assert_eq!(sv().download_xlsx, "Ladda ner Excel (XLSX)");
    }

    fn unzip(bytes: &[u8], name: &str) -> String {
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the workbook is a zip");
        let mut text = String::new();
        archive
            .by_name(name)
            .expect("the part exists")
            .read_to_string(&mut text)
            .expect("UTF-8 XML");
        text
    }

    #[test]
    fn xlsx_holds_real_numbers_and_a_valid_sheet_name() {
        let bytes = table().to_xlsx().expect("a workbook");
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let workbook = unzip(&bytes, "xl/workbook.xml");
        assert!(
            workbook.contains("<sheet name=\"Lösta vid första kontakten\""),
            "{workbook}"
        );
        let sheet = unzip(&bytes, "xl/worksheets/sheet1.xml");
        let strings = unzip(&bytes, "xl/sharedStrings.xml");
        let styles = unzip(&bytes, "xl/styles.xml");
        for number in [
            "<v>1234</v>",
            "<v>0.913</v>",
            "<v>1234567.89</v>",
            "<v>-50</v>",
            "<v>0.7</v>",
            "<v>0</v>",
        ] {
            assert!(sheet.contains(number), "{number} not in {sheet}");
        }
        // 65 s as a fraction of a day, for the [h]:mm:ss format.
        assert!(sheet.contains("<v>0.000752314814814"), "{sheet}");
        // The formula-looking label is a string, never a formula.
        assert!(!sheet.contains("<f>"), "{sheet}");
        for text in [
            "Förskola &amp; skola, Östermalm",
            "=HYPERLINK(",
            "&lt;\u{a0}5",
            "–",
            "Ärenden",
        ] {
            assert!(strings.contains(text), "{text} not in {strings}");
        }
        assert!(!strings.contains("91,3"), "shares are numbers, not text");
        for format in [
            "formatCode=\"0.0%\"",
            "formatCode=\"#,##0\"",
            "[h]:mm:ss",
            "&quot;kr&quot;",
            "<b/>",
        ] {
            assert!(styles.contains(format), "{format} not in {styles}");
        }
        assert!(
            sheet.contains("<pane ySplit=\"1\""),
            "the header stays in view"
        );
        assert_eq!(sheet.matches("<col ").count(), 5, "{sheet}");
        // The first column fits its longest label (Excel adds 0.71 for padding).
        let width = FORMULA.chars().count() + 2;
        assert!(
            sheet.contains(&format!("<col min=\"1\" max=\"1\" width=\"{width}.71")),
            "{sheet}"
        );
        let core = unzip(&bytes, "docProps/core.xml");
        assert!(
            core.contains("Lösta vid första kontakten: vecka 10/2024"),
            "{core}"
        );

        let response = table().xlsx_response().expect("a response");
        assert_eq!(response.headers()[header::CONTENT_TYPE], XLSX_CONTENT_TYPE);
        assert_eq!(
            response.headers()[header::CONTENT_DISPOSITION],
            "attachment; filename=\"fcr-vecka-10.xlsx\""
        );
    }

    #[test]
    fn sheet_names_follow_excels_rules() {
        for (caption, expected) in [
            ("Tillgänglighet [v. 10]", "Tillgänglighet v. 10"),
            ("a/b\\c:d*e?f", "a b c d e f"),
            ("'Citat'", "Citat"),
            (
                "Ärenden per stadsdelsförvaltning och ärendetyp",
                "Ärenden per",
            ),
            (
                "Ärendenperstadsdelsförvaltningochärendetyp",
                "Ärendenperstadsdelsförvaltningo",
            ),
            ("history", "History (1)"),
            ("[]", "fallback"),
            ("", "fallback"),
        ] {
            let name = sheet_name(caption, "fallback");
            assert_eq!(name, expected, "{caption}");
            assert!(name.encode_utf16().count() <= 31);
        }
        let mut long = table();
        long.caption = "Svarstider för e-post: två arbetsdagar? [ja/nej]".into();
        long.to_xlsx()
            .expect("any caption makes a valid sheet name");
    }

    /// An element of a parsed SVG: name, attributes, text.
    type Element = (String, Vec<(String, String)>, String);

    /// Every element and attribute of the SVG, after parsing it as XML.
    fn parse_svg(svg: &str) -> Vec<Element> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(svg);
        let mut elements = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => {
                    let attributes = e
                        .attributes()
                        .map(|a| {
                            let a = a.expect("a well-formed attribute");
                            let value = a.unescape_value().expect("escaped").into_owned();
                            (String::from_utf8_lossy(a.key.as_ref()).into_owned(), value)
                        })
                        .collect();
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    open.push(elements.len());
                    elements.push((name, attributes, String::new()));
                }
                Event::Text(t) => {
                    let i = *open.last().expect("text inside an element");
                    elements[i].2.push_str(&t.unescape().expect("escaped"));
                }
                Event::End(_) => {
                    open.pop().expect("a matching start");
                }
                Event::Empty(_) => panic!("maud writes no self-closing tags"),
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(open.is_empty(), "every element is closed");
        elements
    }

    fn attr<'a>(e: &'a Element, name: &str) -> Option<&'a str> {
        e.1.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn svg_chart_is_well_formed_and_accessible() {
        let chart = BarChart {
            column: 2,
            title: "Lösta vid första kontakten".into(),
            desc: "Andel ärenden som löstes vid första kontakten, vecka 10".into(),
            target: Some(Value::Percent(Some(0.7))),
        };
        let svg = table().bar_chart(&chart, &sv()).into_string();
        assert!(!svg.contains("style"), "no style attributes: {svg}");
        let elements = parse_svg(&svg);
        let root = &elements[0];
        assert_eq!(root.0, "svg");
        assert_eq!(attr(root, "role"), Some("img"));
        assert_eq!(attr(root, "width"), Some("100%"));
        assert!(attr(root, "viewBox").is_some_and(|v| v.starts_with("0 0 640 ")));
        assert_eq!(
            attr(root, "aria-labelledby"),
            Some("fcr-vecka-10-chart-2-title fcr-vecka-10-chart-2-desc")
        );
        let find = |name: &str| elements.iter().find(|e| e.0 == name).expect(name);
        let title = find("title");
        assert_eq!(attr(title, "id"), Some("fcr-vecka-10-chart-2-title"));
        assert_eq!(title.2, "Lösta vid första kontakten");
        let desc = find("desc");
        assert_eq!(attr(desc, "id"), Some("fcr-vecka-10-chart-2-desc"));
        assert_eq!(
            plain(&desc.2),
            format!(
                "Andel ärenden som löstes vid första kontakten, vecka 10. \
                 Förskola & skola, Östermalm: 91,3 %; {FORMULA}: –; Äldreomsorg: 70,0 %. Mål 70,0 %"
            )
        );
        let texts: Vec<String> = elements
            .iter()
            .filter(|e| e.0 == "text")
            .map(|e| plain(&e.2))
            .collect();
        for expected in [
            "Förskola & skola, Östermalm",
            "91,3 %",
            "–",
            "70,0 %",
            "Mål 70,0 %",
        ] {
            assert!(
                texts.iter().any(|t| t == expected),
                "{expected} not in {texts:?}"
            );
        }
        // The formula-like label is cut to fit, but escaped whole.
        assert!(texts
            .iter()
            .any(|t| t.starts_with("=HYPERLINK(\"http://x\",") && t.ends_with('…')));
        // Bars for the two shares; none for the missing one.
        let bars: Vec<f64> = elements
            .iter()
            .filter(|e| e.0 == "rect")
            .map(|e| {
                attr(e, "width")
                    .and_then(|w| w.parse().ok())
                    .expect("a width")
            })
            .collect();
        assert_eq!(bars.len(), 2);
        assert!(bars[0] > bars[1] && bars[1] > 0.0);
        // Shares are drawn against 100 %: 91,3 % is 0.913 of the plot.
        let lines: Vec<_> = elements.iter().filter(|e| e.0 == "line").collect();
        assert_eq!(lines.len(), 3, "axis, and the target drawn twice");
        let target_x: f64 = attr(lines[2], "x1")
            .and_then(|x| x.parse().ok())
            .expect("x");
        let x0: f64 = attr(lines[0], "x1")
            .and_then(|x| x.parse().ok())
            .expect("x");
        assert!(((target_x - x0) / bars[0] - 0.7 / 0.913).abs() < 0.01);
        assert_eq!(attr(lines[2], "stroke-dasharray"), Some("6 4"));
    }

    #[test]
    fn svg_chart_of_counts_and_of_nothing() {
        let chart = BarChart {
            column: 1,
            title: "Ärenden".into(),
            desc: String::new(),
            target: None,
        };
        let svg = table().bar_chart(&chart, &sv()).into_string();
        let elements = parse_svg(&svg);
        assert_eq!(
            elements.iter().filter(|e| e.0 == "rect").count(),
            1,
            "hidden and zero counts draw no bar"
        );
        let desc = elements.iter().find(|e| e.0 == "desc").expect("desc");
        assert!(
            plain(&desc.2).starts_with("Förskola & skola, Östermalm: 1 234; "),
            "{}",
            desc.2
        );
        assert!(elements
            .iter()
            .any(|e| e.0 == "text" && plain(&e.2) == "< 5"));

        let mut empty = table();
        empty.rows.clear();
        let svg = empty.bar_chart(&chart, &sv()).into_string();
        let elements = parse_svg(&svg);
        assert!(elements
            .iter()
            .any(|e| e.0 == "text" && e.2 == "Inga uppgifter att visa."));
        assert_eq!(
            elements
                .iter()
                .find(|e| e.0 == "desc")
                .map(|e| e.2.as_str()),
            Some("Inga uppgifter att visa.")
        );
    }
}
