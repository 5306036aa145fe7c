//! Local OCR with Tesseract's command-line program, and PDF pages rendered
//! to images with Poppler's `pdftoppm`.
//!
//! The CLI rather than a binding crate: the bindings need the C library's
//! headers at build time and tie the build to one Tesseract version, while
//! the program's TSV output is stable across 4.x and 5.x and a missing or
//! broken install becomes a clear error at run time instead of a build
//! failure. One page is one process; it runs with a timeout and is killed
//! when the request that started it goes away.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use flux_menuscan::Word;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// Why the OCR engine could not read a page.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("the OCR engine (tesseract) is not installed on this server")]
    NotInstalled,
    #[error("PDF pages cannot be read: pdftoppm (poppler-utils) is not installed on this server")]
    NoPdfRenderer,
    #[error("the OCR engine took longer than {0} s")]
    Timeout(u64),
    #[error("the OCR engine failed: {0}")]
    Failed(String),
    #[error("the PDF could not be read: {0}")]
    BadPdf(String),
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The Tesseract program and the languages it has data for.
#[derive(Debug, Clone)]
pub struct Tesseract {
    program: PathBuf,
    languages: Vec<String>,
    timeout: Duration,
}

impl Tesseract {
    /// Finds `tesseract` on the `PATH` and asks it for its languages.
    pub async fn detect() -> Result<Self, OcrError> {
        let program = find_program("tesseract").ok_or(OcrError::NotInstalled)?;
        Self::at(&program).await
    }

    /// A given program.
    pub async fn at(program: &Path) -> Result<Self, OcrError> {
        let out = Command::new(program)
            .arg("--list-langs")
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|_| OcrError::NotInstalled)?;
        // The list goes to stdout on 5.x and to stderr on some 4.x builds.
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let languages = text
            .lines()
            .skip_while(|l| !l.starts_with("List of available languages"))
            .skip(1)
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "osd")
            .map(str::to_string)
            .collect::<Vec<_>>();
        if languages.is_empty() {
            return Err(OcrError::Failed(
                "tesseract has no language data installed (e.g. tesseract-ocr-eng)".into(),
            ));
        }
        Ok(Tesseract {
            program: program.to_path_buf(),
            languages,
            timeout: Duration::from_secs(90),
        })
    }

    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// The language to read first for a locale such as `es-MX` (Tesseract
    /// codes are ISO 639-2: `spa`), when its data is installed.
    pub fn language_for(&self, locale: &str) -> Option<&str> {
        let primary = locale.split(['-', '_']).next().unwrap_or("").to_lowercase();
        let code = match primary.as_str() {
            "en" => "eng",
            "es" => "spa",
            "de" => "deu",
            "fr" => "fra",
            "it" => "ita",
            "pt" => "por",
            "nl" => "nld",
            "ca" => "cat",
            "pl" => "pol",
            "sv" => "swe",
            "da" => "dan",
            "tr" => "tur",
            _ => return None,
        };
        self.languages
            .iter()
            .map(String::as_str)
            .find(|l| *l == code)
    }

    /// Reads one prepared page (PNG bytes) in the given languages
    /// (`spa+eng`) with Tesseract's page layout analysis.
    pub async fn read(&self, png: &[u8], languages: &str) -> Result<Vec<Word>, OcrError> {
        self.run(png, languages, Segmentation::Page).await
    }

    /// Reads one page looking for every bit of text in no order (finds
    /// lone prices the layout pass drops).
    pub async fn read_sparse(&self, png: &[u8], languages: &str) -> Result<Vec<Word>, OcrError> {
        self.run(png, languages, Segmentation::Sparse).await
    }

    /// Reads one page as a single column of rows (a table such as an
    /// invoice): page layout analysis splits a table's columns into
    /// blocks and misreads the lone short numbers of a quantity column.
    pub async fn read_table(&self, png: &[u8], languages: &str) -> Result<Vec<Word>, OcrError> {
        self.run(png, languages, Segmentation::Table).await
    }

    /// Reads a strip of a page as one line of text.
    pub async fn read_line(&self, png: &[u8], languages: &str) -> Result<Vec<Word>, OcrError> {
        self.run(png, languages, Segmentation::Line).await
    }

    async fn run(
        &self,
        png: &[u8],
        languages: &str,
        mode: Segmentation,
    ) -> Result<Vec<Word>, OcrError> {
        let psm = match mode {
            Segmentation::Page => "3",
            Segmentation::Sparse => "11",
            Segmentation::Line => "7",
            Segmentation::Table => "4",
        };
        let mut child = Command::new(&self.program)
            .args(["stdin", "stdout", "-l", languages, "--psm", psm, "tsv"])
            // Tesseract's OpenMP threads cost more than they give on small
            // machines and fight the server's own threads.
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| OcrError::Failed(e.to_string()))?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| OcrError::Failed("no stdin".into()))?;
        let input = png.to_vec();
        let writer = tokio::spawn(async move {
            let _ = stdin.write_all(&input).await;
        });
        let out = tokio::time::timeout(self.timeout, child.wait_with_output())
            .await
            .map_err(|_| OcrError::Timeout(self.timeout.as_secs()))?
            .map_err(|e| OcrError::Failed(e.to_string()))?;
        let _ = writer.await;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(OcrError::Failed(
                err.lines().last().unwrap_or("").to_string(),
            ));
        }
        flux_menuscan::parse_tsv(&String::from_utf8_lossy(&out.stdout))
            .map_err(|e| OcrError::Failed(e.to_string()))
    }
}

#[derive(Debug, Clone, Copy)]
enum Segmentation {
    Page,
    Sparse,
    Line,
    Table,
}

/// Renders the pages of a PDF (at most `max_pages`) as PNG images at a
/// resolution OCR reads well.
pub async fn pdf_pages(pdf: &[u8], max_pages: u32) -> Result<Vec<Vec<u8>>, OcrError> {
    let program = find_program("pdftoppm").ok_or(OcrError::NoPdfRenderer)?;
    let dir = tempfile::tempdir().map_err(|e| OcrError::Failed(e.to_string()))?;
    let input = dir.path().join("menu.pdf");
    tokio::fs::write(&input, pdf)
        .await
        .map_err(|e| OcrError::Failed(e.to_string()))?;
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        Command::new(program)
            .args(["-r", "200", "-gray", "-png", "-f", "1", "-l"])
            .arg(max_pages.to_string())
            .arg(&input)
            .arg(dir.path().join("page"))
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .map_err(|_| OcrError::Timeout(60))?
    .map_err(|e| OcrError::Failed(e.to_string()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(OcrError::BadPdf(
            err.lines().next().unwrap_or("not a PDF").to_string(),
        ));
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .map_err(|e| OcrError::Failed(e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    // pdftoppm numbers pages with zero padding, so names sort in order.
    names.sort();
    let mut pages = Vec::new();
    for p in names {
        pages.push(
            tokio::fs::read(&p)
                .await
                .map_err(|e| OcrError::Failed(e.to_string()))?,
        );
    }
    if pages.is_empty() {
        return Err(OcrError::BadPdf("the PDF has no pages".into()));
    }
    Ok(pages)
}
