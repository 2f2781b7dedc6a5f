//! One entry point for every trajectory format: [`read_trajectory`], with the format named or
//! detected.

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use crate::error::TrajectoryError;
use crate::{csv, data::TrajectoryData, hdf5, jupedsim_sqlite, txt, vadere};

/// The names [`TrajectoryFormat::from_str`] accepts, for messages and `--help`.
pub const FORMAT_NAMES: &str = "txt, hdf5, sqlite, vadere, crowdit, pathfinder, viswalk";

/// A trajectory file format this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrajectoryFormat {
    /// PeTrack / Jülich / JPSreport text: `id frame x y [z …]`, `#` header ([`crate::read_txt`]).
    /// Name `txt` (also `petrack`, `jpsreport`).
    JuelichTxt,
    /// Jülich pedestrian data-archive HDF5 ([`crate::read_data_archive_hdf5`]). Name `hdf5`
    /// (also `h5`).
    DataArchiveHdf5,
    /// JuPedSim SQLite, versions 1 to 3 ([`crate::read_jupedsim_sqlite`]). Name `sqlite`
    /// (also `jupedsim`).
    JupedsimSqlite,
    /// Vadere foot-step output `postvis.traj`, resampled to a frame rate
    /// ([`crate::read_vadere_traj`]). Name `vadere`.
    VadereTraj,
    /// crowd:it CSV `time,pedID,posX,posY`, possibly gzip-compressed ([`crate::read_crowdit_csv`]).
    /// Name `crowdit`.
    CrowditCsv,
    /// Pathfinder CSV with columns `id,t,x,y` and a unit row ([`crate::read_pathfinder_csv`]).
    /// Name `pathfinder`.
    PathfinderCsv,
    /// PTV Viswalk pedestrian record `.pp` (`$PEDESTRIAN:NO;SIMSEC;COORDCENTX;COORDCENTY;…`)
    /// ([`crate::read_viswalk_pp`]). Name `viswalk`.
    ViswalkPp,
}

impl TrajectoryFormat {
    /// Every format, in the order of [`FORMAT_NAMES`].
    pub const ALL: [TrajectoryFormat; 7] = [
        TrajectoryFormat::JuelichTxt,
        TrajectoryFormat::DataArchiveHdf5,
        TrajectoryFormat::JupedsimSqlite,
        TrajectoryFormat::VadereTraj,
        TrajectoryFormat::CrowditCsv,
        TrajectoryFormat::PathfinderCsv,
        TrajectoryFormat::ViswalkPp,
    ];

    /// The short name the CLI accepts (`txt`, `hdf5`, …); [`Display`](fmt::Display) writes it.
    pub fn name(self) -> &'static str {
        match self {
            TrajectoryFormat::JuelichTxt => "txt",
            TrajectoryFormat::DataArchiveHdf5 => "hdf5",
            TrajectoryFormat::JupedsimSqlite => "sqlite",
            TrajectoryFormat::VadereTraj => "vadere",
            TrajectoryFormat::CrowditCsv => "crowdit",
            TrajectoryFormat::PathfinderCsv => "pathfinder",
            TrajectoryFormat::ViswalkPp => "viswalk",
        }
    }

    /// A human description for messages ("PeTrack/JPSreport txt", …).
    pub fn description(self) -> &'static str {
        match self {
            TrajectoryFormat::JuelichTxt => "PeTrack/JPSreport txt",
            TrajectoryFormat::DataArchiveHdf5 => "Jülich data-archive HDF5",
            TrajectoryFormat::JupedsimSqlite => "JuPedSim SQLite",
            TrajectoryFormat::VadereTraj => "Vadere trajectory (postvis.traj)",
            TrajectoryFormat::CrowditCsv => "crowd:it CSV",
            TrajectoryFormat::PathfinderCsv => "Pathfinder CSV",
            TrajectoryFormat::ViswalkPp => "Viswalk .pp",
        }
    }
}

impl fmt::Display for TrajectoryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that [`TrajectoryFormat::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown trajectory format {0:?}; expected one of {FORMAT_NAMES}")]
pub struct UnknownFormatName(pub String);

impl FromStr for TrajectoryFormat {
    type Err = UnknownFormatName;

    /// Parses a name, case-insensitively: `txt` (`petrack`, `jpsreport`), `hdf5` (`h5`),
    /// `sqlite` (`jupedsim`), `vadere`, `crowdit` (`crowd:it`), `pathfinder`, `viswalk`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "txt" | "petrack" | "jpsreport" | "juelich" => TrajectoryFormat::JuelichTxt,
            "hdf5" | "h5" => TrajectoryFormat::DataArchiveHdf5,
            "sqlite" | "jupedsim" => TrajectoryFormat::JupedsimSqlite,
            "vadere" => TrajectoryFormat::VadereTraj,
            "crowdit" | "crowd:it" => TrajectoryFormat::CrowditCsv,
            "pathfinder" => TrajectoryFormat::PathfinderCsv,
            "viswalk" => TrajectoryFormat::ViswalkPp,
            _ => return Err(UnknownFormatName(s.to_owned())),
        })
    }
}

/// The unit of the coordinates in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LengthUnit {
    /// Metres (m): kept as they are.
    Metre,
    /// Centimetres (cm): divided by 100 on reading.
    Centimetre,
}

impl LengthUnit {
    /// The short name: `m` or `cm`.
    pub fn name(self) -> &'static str {
        match self {
            LengthUnit::Metre => "m",
            LengthUnit::Centimetre => "cm",
        }
    }
}

impl fmt::Display for LengthUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A unit name that [`LengthUnit::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown length unit {0:?}; expected m or cm")]
pub struct UnknownUnitName(pub String);

impl FromStr for LengthUnit {
    type Err = UnknownUnitName;

    /// `m` / `metre(s)` / `meter(s)`, or `cm` / `centimetre(s)` / `centimeter(s)`,
    /// case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "m" | "metre" | "metres" | "meter" | "meters" => LengthUnit::Metre,
            "cm" | "centimetre" | "centimetres" | "centimeter" | "centimeters" => {
                LengthUnit::Centimetre
            }
            _ => return Err(UnknownUnitName(s.to_owned())),
        })
    }
}

/// How to read a trajectory file; `Default` detects everything.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ReadOptions {
    /// The format; `None` detects it from the content and the file name (see [`detect_format`]).
    pub format: Option<TrajectoryFormat>,
    /// Frames per second. Replaces the file's own frame rate (a note says when they differ);
    /// needed for a txt file without frame rate in its header and for Vadere files (the rate to
    /// resample to); for crowd:it, Pathfinder and Viswalk it replaces the rate derived from the
    /// times.
    pub frame_rate: Option<f64>,
    /// The unit of the coordinates in the file; `None` takes it from the txt header (metres if
    /// absent) or the format's definition (metres for all others). Centimetres are divided by
    /// 100, for every format.
    pub unit: Option<LengthUnit>,
}

/// A trajectory as read from a file, with what the file said beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedTrajectory {
    /// The rows: sorted by (frame, id), no person twice in a frame, finite positions in
    /// metres, frame rate in frames per second ([`TrajectoryData::check`] passes).
    pub data: TrajectoryData,
    /// The walkable area stored in the file, as WKT in metres (JuPedSim SQLite, data-archive
    /// HDF5), or `None`.
    pub walkable_area_wkt: Option<String>,
    /// The format that was read.
    pub format: TrajectoryFormat,
    /// What the reader decided that the user may want to know, one sentence each: where the
    /// frame rate and unit came from, conversions, resampling, ignored parts.
    pub notes: Vec<String>,
}

/// Reads a trajectory file in any supported format.
///
/// With `options.format` unset the format is detected by [`detect_format`] and a note says
/// which. Every reader ends with rows sorted by (frame, id) that pass
/// [`TrajectoryData::check`]; see each format's reader for its rules: [`crate::read_txt`],
/// [`crate::read_data_archive_hdf5`], [`crate::read_jupedsim_sqlite`],
/// [`crate::read_vadere_traj`], [`crate::read_crowdit_csv`], [`crate::read_pathfinder_csv`],
/// [`crate::read_viswalk_pp`].
///
/// `options.frame_rate` wins over the file's frame rate (for SQLite and HDF5 too; a note says
/// so when they differ); `options.unit` = centimetres divides every coordinate (and a `z`
/// column) by 100 for any format.
///
/// # Errors
/// [`TrajectoryError::UnknownFormat`] when no format is named and none can be detected, else
/// the errors of the format's reader; all name the file and, for bad rows, the line or record.
pub fn read_trajectory(
    path: &Path,
    options: &ReadOptions,
) -> Result<LoadedTrajectory, TrajectoryError> {
    let (format, detected) = match options.format {
        Some(format) => (format, None),
        None => {
            let (format, how) = detect(path)?;
            (format, Some(how))
        }
    };
    let mut loaded = match format {
        TrajectoryFormat::JuelichTxt => txt::read_txt(path, options.frame_rate, options.unit)?,
        TrajectoryFormat::DataArchiveHdf5 => hdf5::read_hdf5(path, options.frame_rate)?,
        TrajectoryFormat::JupedsimSqlite => {
            let (mut data, wkt) = jupedsim_sqlite::read_jupedsim_sqlite(path)?;
            let mut notes = Vec::new();
            override_frame_rate(
                path,
                &mut data,
                options.frame_rate,
                "metadata.fps",
                &mut notes,
            )?;
            LoadedTrajectory {
                data,
                walkable_area_wkt: wkt,
                format,
                notes,
            }
        }
        TrajectoryFormat::VadereTraj => {
            let Some(fps) = options.frame_rate else {
                return Err(TrajectoryError::MissingFrameRate {
                    path: path.to_path_buf(),
                    reason: "a Vadere trajectory records foot steps at irregular times and is \
                             resampled to a constant frame rate, which has to be given (PedPy's \
                             user guide uses 24)"
                        .to_owned(),
                });
            };
            vadere::read_vadere_traj(path, fps, false)?
        }
        TrajectoryFormat::CrowditCsv => csv::read_crowdit_csv(path, options.frame_rate)?,
        TrajectoryFormat::PathfinderCsv => csv::read_pathfinder_csv(path, options.frame_rate)?,
        TrajectoryFormat::ViswalkPp => csv::read_viswalk_pp(path, options.frame_rate)?,
    };
    if let Some(how) = detected {
        loaded.notes.insert(
            0,
            format!(
                "format {} ({}) detected from {how}",
                format,
                format.description()
            ),
        );
    }
    if format != TrajectoryFormat::JuelichTxt && options.unit == Some(LengthUnit::Centimetre) {
        let data = &mut loaded.data;
        for v in data.x.iter_mut().chain(data.y.iter_mut()) {
            *v /= 100.0;
        }
        for column in &mut data.extra {
            if column.name.eq_ignore_ascii_case("z")
                && let crate::ExtraValues::Number(values) = &mut column.values
            {
                for v in values {
                    *v /= 100.0;
                }
            }
        }
        loaded
            .notes
            .push("coordinates converted from cm to m as asked".to_owned());
    }
    Ok(loaded)
}

/// Replaces the file's frame rate by the caller's, with a note when they differ.
pub(crate) fn override_frame_rate(
    path: &Path,
    data: &mut TrajectoryData,
    given: Option<f64>,
    source: &str,
    notes: &mut Vec<String>,
) -> Result<(), TrajectoryError> {
    if let Some(given) = given {
        let given = crate::common::check_frame_rate(path, given)?;
        if given != data.frame_rate {
            notes.push(format!(
                "the file's {source} is {} fps; using {given} fps as given",
                data.frame_rate
            ));
            data.frame_rate = given;
        }
    }
    Ok(())
}

/// Detects the format of a file from its first bytes, and from its name where the content
/// leaves a choice.
///
/// Rules, in order:
/// 1. binary signatures: `SQLite format 3\0` → `sqlite`; the HDF5 signature
///    `\x89HDF\r\n\x1a\n` (at byte 0, 512, 1024, … as HDF5 allows) → `hdf5`;
/// 2. a gzip stream is decompressed and its start examined (crowd:it ships `.csv.gz`);
/// 3. text: a first line `$VISION` or a line starting `$PEDESTRIAN` → `viswalk`; a first line
///    `#IDXCOL=` or a header with `pedestrianId` and `simTime` → `vadere`; a comma-separated
///    header with `pedID`, `posX` and `posY` → `crowdit`; one with `id`, `t`, `x` and `y` →
///    `pathfinder`; a first non-comment line of at least 4 whitespace-separated numbers →
///    `txt`;
/// 4. otherwise the extension (also under `.gz`): `.txt` → txt, `.h5`/`.hdf5`/`.hdf` → hdf5,
///    `.sqlite`/`.sqlite3`/`.db` → sqlite, `.traj` → vadere, `.pp` → viswalk.
///
/// # Errors
/// [`TrajectoryError::Io`] if the file cannot be read, [`TrajectoryError::UnknownFormat`] if
/// no rule applies.
pub fn detect_format(path: &Path) -> Result<TrajectoryFormat, TrajectoryError> {
    detect(path).map(|(format, _)| format)
}

/// Bytes read from the start of a file to detect its format.
const PROBE: u64 = 64 * 1024;

fn detect(path: &Path) -> Result<(TrajectoryFormat, &'static str), TrajectoryError> {
    let io = |source| TrajectoryError::Io {
        path: path.to_path_buf(),
        source,
    };
    crate::common::check_is_file(path)?;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(PROBE)
        .read_to_end(&mut head)
        .map_err(io)?;
    if head.starts_with(b"SQLite format 3\0") {
        return Ok((TrajectoryFormat::JupedsimSqlite, "its content"));
    }
    if is_hdf5(path, &head) {
        return Ok((TrajectoryFormat::DataArchiveHdf5, "its content"));
    }
    let mut name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut text = Vec::new();
        // A truncated stream still gives its first bytes; errors surface when reading.
        let _ = flate2::read::MultiGzDecoder::new(&head[..])
            .take(PROBE)
            .read_to_end(&mut text);
        head = text;
        if let Some(inner) = name.strip_suffix(".gz") {
            name = inner.to_owned();
        }
    }
    if let Some(format) = sniff_text(&head) {
        return Ok((format, "its content"));
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let by_name = match extension {
        "txt" => Some(TrajectoryFormat::JuelichTxt),
        "h5" | "hdf5" | "hdf" => Some(TrajectoryFormat::DataArchiveHdf5),
        "sqlite" | "sqlite3" | "db" => Some(TrajectoryFormat::JupedsimSqlite),
        "traj" => Some(TrajectoryFormat::VadereTraj),
        "pp" => Some(TrajectoryFormat::ViswalkPp),
        _ => None,
    };
    if let Some(format) = by_name {
        return Ok((format, "the file extension"));
    }
    let reason = if head.is_empty() {
        "the file is empty".to_owned()
    } else if head.iter().take(8192).any(|&b| b == 0) {
        "binary content that is neither SQLite nor HDF5".to_owned()
    } else {
        let first = head
            .split(|&b| b == b'\n')
            .map(|l| String::from_utf8_lossy(l).trim().to_owned())
            .find(|l| !l.is_empty())
            .unwrap_or_default();
        format!(
            "its first line {} matches no known layout",
            crate::common::shown(&first)
        )
    };
    Err(TrajectoryError::UnknownFormat {
        path: path.to_path_buf(),
        reason,
    })
}

/// The HDF5 signature at byte 0 or at a power of two from 512 on (a user block before it).
fn is_hdf5(path: &Path, head: &[u8]) -> bool {
    const SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";
    if head.starts_with(SIGNATURE) {
        return true;
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut offset = 512u64;
    while offset + 8 <= len && offset <= 1 << 30 {
        use std::io::Seek;
        let mut buf = [0u8; 8];
        if file.seek(std::io::SeekFrom::Start(offset)).is_err()
            || file.read_exact(&mut buf).is_err()
        {
            return false;
        }
        if &buf == SIGNATURE {
            return true;
        }
        offset *= 2;
    }
    false
}

/// The text format the start of a file shows, if any.
fn sniff_text(head: &[u8]) -> Option<TrajectoryFormat> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if head.iter().take(8192).any(|&b| b == 0) {
        return None;
    }
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    if first.eq_ignore_ascii_case("$VISION")
        || text
            .lines()
            .any(|l| l.trim_start().starts_with("$PEDESTRIAN"))
    {
        return Some(TrajectoryFormat::ViswalkPp);
    }
    if first.starts_with("#IDXCOL") {
        return Some(TrajectoryFormat::VadereTraj);
    }
    let first_data = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    if first_data.contains("pedestrianId") && first_data.contains("simTime") {
        return Some(TrajectoryFormat::VadereTraj);
    }
    let csv: Vec<&str> = first_data
        .split(',')
        .map(|f| f.trim().trim_matches('"'))
        .collect();
    if csv.len() >= 4 {
        let has = |name: &str| csv.contains(&name);
        if has("pedID") && has("posX") && has("posY") {
            return Some(TrajectoryFormat::CrowditCsv);
        }
        if has("id") && has("t") && has("x") && has("y") {
            return Some(TrajectoryFormat::PathfinderCsv);
        }
    }
    let fields: Vec<&str> = first_data.split_ascii_whitespace().collect();
    if fields.len() >= 4 && fields[..4].iter().all(|f| f.parse::<f64>().is_ok()) {
        return Some(TrajectoryFormat::JuelichTxt);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in TrajectoryFormat::ALL {
            assert_eq!(format.name().parse::<TrajectoryFormat>(), Ok(format));
            assert!(FORMAT_NAMES.contains(format.name()));
        }
        assert_eq!("H5".parse(), Ok(TrajectoryFormat::DataArchiveHdf5));
        assert_eq!("PeTrack".parse(), Ok(TrajectoryFormat::JuelichTxt));
        let err = "csv".parse::<TrajectoryFormat>().unwrap_err();
        assert!(err.to_string().contains("txt, hdf5"), "{err}");
        assert_eq!("cm".parse(), Ok(LengthUnit::Centimetre));
        assert_eq!("Metres".parse(), Ok(LengthUnit::Metre));
        assert!("mm".parse::<LengthUnit>().is_err());
        assert_eq!(LengthUnit::Centimetre.to_string(), "cm");
    }

    #[test]
    fn sniffing_text_layouts() {
        use TrajectoryFormat::*;
        assert_eq!(
            sniff_text(b"#framerate: 16\n# ID frame X Y Z\n1\t53\t3.7\t-0.8\t1.7\n"),
            Some(JuelichTxt)
        );
        assert_eq!(sniff_text(b"1 0 -4.2 4.6 1.8\r\n"), Some(JuelichTxt));
        assert_eq!(
            sniff_text(b"#IDXCOL=2,DATACOL=6,SEP=' '\npedestrianId simTime\n"),
            Some(VadereTraj)
        );
        assert_eq!(
            sniff_text(b"pedestrianId simTime startX-PID1 startY-PID1\n"),
            Some(VadereTraj)
        );
        assert_eq!(
            sniff_text(b"time,pedID,posX,posY\n0.00,0,40.64,35.44\n"),
            Some(CrowditCsv)
        );
        assert_eq!(sniff_text(b"id,t,x,y\nunit,,m,m\n"), Some(PathfinderCsv));
        assert_eq!(sniff_text(b"$VISION\n* File: a.inpx\n"), Some(ViswalkPp));
        assert_eq!(sniff_text(b"hello world\n"), None);
        assert_eq!(sniff_text(b""), None);
    }
}
