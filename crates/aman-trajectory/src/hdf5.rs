//! The Jülich pedestrian data-archive HDF5 format (<https://ped.fz-juelich.de/da/doku.php?id=info>).
//!
//! # The format
//!
//! - dataset `/trajectory`: one-dimensional, compound records with members `id`, `frame`
//!   (integers), `x`, `y` (metres) and usually `z` (metres; head height) — `<i8, <i8, <f8, <f8,
//!   <f8` in the archive's files; its attribute `fps` is the frame rate (frames per second);
//! - root attribute `wkt_geometry`: the walkable area as WKT, in metres; further root
//!   attributes describe the experiment.
//!
//! This is what PedPy 1.5.1 reads with `pedpy.load_trajectory_from_ped_data_archive_hdf5` and
//! `load_walkable_area_from_ped_data_archive_hdf5` (`pedpy/io/ped_data_archive_loader.py`). The
//! file is read with the pure-Rust `hdf5-pure` crate (no libhdf5).

use std::path::Path;

use hdf5_pure::{AttrValue, Datatype, DatatypeByteOrder};

use crate::common::{check_is_file, finish};
use crate::data::{ExtraColumn, ExtraValues, TrajectoryData};
use crate::error::{RowLocation, TrajectoryError};
use crate::read::{LoadedTrajectory, TrajectoryFormat, override_frame_rate};

const FORMAT: &str = "Jülich data-archive HDF5";
const DATASET: &str = "trajectory";

/// Reads a Jülich data-archive HDF5 trajectory file.
///
/// Returns the trajectory — rows sorted by frame, then id (the archive stores them person by
/// person); positions in metres; frame rate from the `fps` attribute of `/trajectory` — and the
/// walkable area from the root attribute `wkt_geometry` (`None` if the file has none). Numeric
/// members of the records beyond `id`, `frame`, `x`, `y` (the archive's `z`) are kept as
/// [`ExtraColumn`]s under their member names, in file units (metres); non-numeric members are
/// left out with a note (see [`crate::read_trajectory`] for the notes).
///
/// # Errors
/// [`TrajectoryError::Io`] (missing file, a directory), [`TrajectoryError::WrongFormat`] if the
/// file is not HDF5, has no `/trajectory` dataset (the datasets found are listed), the dataset
/// is not one-dimensional compound records with numeric `id`, `frame`, `x`, `y`, or
/// `wkt_geometry` is not text; [`TrajectoryError::MissingFrameRate`] if `fps` is missing;
/// [`TrajectoryError::BadMetadata`] if it is not a positive number; [`TrajectoryError::Hdf5`]
/// for a truncated or damaged file; [`TrajectoryError::BadRecord`] naming the record for a
/// negative or fractional id or frame or a NaN or infinite coordinate;
/// [`TrajectoryError::DuplicateRow`] naming both records when a person appears twice in a frame.
pub fn read_data_archive_hdf5(
    path: &Path,
) -> Result<(TrajectoryData, Option<String>), TrajectoryError> {
    let loaded = read_hdf5(path, None)?;
    Ok((loaded.data, loaded.walkable_area_wkt))
}

/// A numeric member of the compound record.
#[derive(Debug, Clone)]
struct Member {
    name: String,
    offset: usize,
    kind: NumberKind,
}

#[derive(Debug, Clone, Copy)]
enum NumberKind {
    Int {
        size: usize,
        signed: bool,
        big: bool,
    },
    Float {
        size: usize,
        big: bool,
    },
}

impl NumberKind {
    fn of(datatype: &Datatype) -> Option<NumberKind> {
        match datatype {
            Datatype::FixedPoint {
                size,
                byte_order,
                layout,
            } if matches!(size, 1 | 2 | 4 | 8) && *byte_order != DatatypeByteOrder::Vax => {
                Some(NumberKind::Int {
                    size: *size as usize,
                    signed: layout.signed,
                    big: *byte_order == DatatypeByteOrder::BigEndian,
                })
            }
            Datatype::FloatingPoint {
                size, byte_order, ..
            } if matches!(size, 4 | 8) && *byte_order != DatatypeByteOrder::Vax => {
                Some(NumberKind::Float {
                    size: *size as usize,
                    big: *byte_order == DatatypeByteOrder::BigEndian,
                })
            }
            _ => None,
        }
    }

    fn size(self) -> usize {
        match self {
            NumberKind::Int { size, .. } | NumberKind::Float { size, .. } => size,
        }
    }
}

/// A decoded value.
#[derive(Debug, Clone, Copy)]
enum Number {
    Int(i128),
    Float(f64),
}

fn decode(bytes: &[u8], kind: NumberKind) -> Number {
    let mut buf = [0u8; 8];
    let size = kind.size();
    buf[..size].copy_from_slice(&bytes[..size]);
    let big = match kind {
        NumberKind::Int { big, .. } | NumberKind::Float { big, .. } => big,
    };
    if big {
        buf[..size].reverse();
    }
    match kind {
        NumberKind::Float { size: 4, .. } => Number::Float(f64::from(f32::from_le_bytes([
            buf[0], buf[1], buf[2], buf[3],
        ]))),
        NumberKind::Float { .. } => Number::Float(f64::from_le_bytes(buf)),
        NumberKind::Int { size, signed, .. } => {
            let raw = u64::from_le_bytes(buf);
            let value = if signed && size < 8 {
                let shift = 64 - 8 * size as u32;
                i128::from(((raw << shift) as i64) >> shift)
            } else if signed {
                i128::from(raw as i64)
            } else {
                i128::from(raw)
            };
            Number::Int(value)
        }
    }
}

impl Number {
    fn as_f64(self) -> f64 {
        match self {
            Number::Int(v) => v as f64,
            Number::Float(v) => v,
        }
    }

    /// A whole number ≥ 0 (id or frame).
    fn as_index(self, what: &str) -> Result<u64, String> {
        match self {
            Number::Int(v) => u64::try_from(v).map_err(|_| {
                format!("{what} is {v}, which is negative; expected a whole number ≥ 0")
            }),
            Number::Float(v) if v.fract() == 0.0 && (0.0..1.8e19).contains(&v) => Ok(v as u64),
            Number::Float(v) => Err(format!("{what} is {v}; expected a whole number ≥ 0")),
        }
    }
}

/// Reads the file; `frame_rate` (if given) replaces the file's `fps`.
pub(crate) fn read_hdf5(
    path: &Path,
    frame_rate: Option<f64>,
) -> Result<LoadedTrajectory, TrajectoryError> {
    check_is_file(path)?;
    let wrong = |reason: String| TrajectoryError::WrongFormat {
        path: path.to_path_buf(),
        format: FORMAT,
        reason,
    };
    let h5 = |e: hdf5_pure::Error| TrajectoryError::Hdf5 {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let file = match hdf5_pure::File::open(path) {
        Ok(file) => file,
        Err(hdf5_pure::Error::Io(source)) => {
            return Err(TrajectoryError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
        Err(e) => {
            let signature = std::fs::File::open(path).and_then(|mut f| {
                let mut buf = [0u8; 8];
                std::io::Read::read_exact(&mut f, &mut buf).map(|()| buf)
            });
            return Err(match signature {
                Ok(sig) if &sig == b"\x89HDF\r\n\x1a\n" => h5(e),
                _ => wrong("it does not start with the HDF5 signature".to_owned()),
            });
        }
    };
    let mut notes = Vec::new();

    let root_attrs = file.root().attrs().map_err(h5)?;
    let wkt = match root_attrs.get("wkt_geometry") {
        None => None,
        Some(value) => Some(attr_text(value).ok_or_else(|| {
            wrong("its root attribute `wkt_geometry` is not text (expected WKT)".to_owned())
        })?),
    };

    let dataset = match file.dataset(DATASET) {
        Ok(d) => d,
        Err(hdf5_pure::Error::Format(hdf5_pure::FormatError::PathNotFound(_))) => {
            let found = file.root().datasets().unwrap_or_default();
            return Err(wrong(format!(
                "no dataset `/{DATASET}` (datasets found: {})",
                if found.is_empty() {
                    "none".to_owned()
                } else {
                    found.join(", ")
                }
            )));
        }
        Err(hdf5_pure::Error::NotADataset(_)) => {
            return Err(wrong(format!("`/{DATASET}` is a group, not a dataset")));
        }
        Err(e) => return Err(h5(e)),
    };
    let shape = dataset.shape().map_err(h5)?;
    if shape.len() != 1 {
        return Err(wrong(format!(
            "dataset `/{DATASET}` has shape {shape:?}; expected one dimension (a list of records)"
        )));
    }
    let rows = usize::try_from(shape[0]).map_err(|_| wrong("too many records".to_owned()))?;
    let datatype = dataset.datatype().map_err(h5)?;
    let Datatype::Compound { size, members } = &datatype else {
        return Err(wrong(format!(
            "dataset `/{DATASET}` is not made of compound records (id, frame, x, y, …); its \
             type is {datatype:?}"
        )));
    };
    let record_size = *size as usize;
    let mut numeric = Vec::new();
    for member in members {
        let fits = |kind: NumberKind| {
            usize::try_from(member.byte_offset)
                .ok()
                .filter(|&o| o + kind.size() <= record_size)
        };
        match NumberKind::of(&member.datatype).and_then(|k| fits(k).map(|o| (k, o))) {
            Some((kind, offset)) => numeric.push(Member {
                name: member.name.clone(),
                offset,
                kind,
            }),
            None => notes.push(format!(
                "record member `{}` is not a number; left out",
                member.name
            )),
        }
    }
    let find =
        |name: &str| -> Result<Member, TrajectoryError> {
            numeric.iter().find(|m| m.name == name).cloned().ok_or_else(|| {
            let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
            wrong(format!(
                "the records of `/{DATASET}` have no numeric member `{name}` (members: {}); \
                 expected id, frame, x, y",
                names.join(", ")
            ))
        })
        };
    let (id_m, frame_m, x_m, y_m) = (find("id")?, find("frame")?, find("x")?, find("y")?);
    let extras: Vec<Member> = numeric
        .iter()
        .filter(|m| !["id", "frame", "x", "y"].contains(&m.name.as_str()))
        .cloned()
        .collect();

    let attrs = dataset.attrs().map_err(h5)?;
    let file_fps = match attrs.get("fps") {
        Some(value) => {
            let fps = attr_number(value).filter(|f| f.is_finite() && *f > 0.0);
            Some(fps.ok_or_else(|| TrajectoryError::BadMetadata {
                path: path.to_path_buf(),
                key: format!("/{DATASET} attribute fps"),
                reason: format!("{value:?} is not a positive number of frames per second"),
            })?)
        }
        None => None,
    };
    let fps = match (file_fps, frame_rate) {
        (Some(f), _) => f,
        (None, Some(given)) => crate::common::check_frame_rate(path, given)?,
        (None, None) => {
            return Err(TrajectoryError::MissingFrameRate {
                path: path.to_path_buf(),
                reason: format!("dataset `/{DATASET}` has no attribute `fps`"),
            });
        }
    };

    let raw = dataset.read_raw().map_err(h5)?;
    if raw.len() != rows * record_size {
        return Err(TrajectoryError::Hdf5 {
            path: path.to_path_buf(),
            reason: format!(
                "dataset `/{DATASET}` holds {} bytes, expected {rows} records of {record_size} bytes",
                raw.len()
            ),
        });
    }
    let mut data = TrajectoryData::new(fps);
    data.id.reserve(rows);
    data.frame.reserve(rows);
    data.x.reserve(rows);
    data.y.reserve(rows);
    let mut extra_values: Vec<Vec<f64>> = extras.iter().map(|_| Vec::with_capacity(rows)).collect();
    for (r, record) in raw.chunks_exact(record_size.max(1)).enumerate() {
        let bad = |reason: String| TrajectoryError::BadRecord {
            path: path.to_path_buf(),
            dataset: format!("/{DATASET}"),
            record: r as u64 + 1,
            reason,
        };
        let get = |m: &Member| decode(&record[m.offset..], m.kind);
        let id = get(&id_m).as_index("id").map_err(bad)?;
        let frame = get(&frame_m).as_index("frame").map_err(bad)?;
        let x = get(&x_m).as_f64();
        let y = get(&y_m).as_f64();
        for (name, v) in [("x", x), ("y", y)] {
            if !v.is_finite() {
                return Err(bad(format!("{name} is {v}; expected a finite number")));
            }
        }
        data.id.push(id);
        data.frame.push(frame);
        data.x.push(x);
        data.y.push(y);
        for (values, m) in extra_values.iter_mut().zip(&extras) {
            values.push(get(m).as_f64());
        }
    }
    for (m, values) in extras.iter().zip(extra_values) {
        data.extra.push(ExtraColumn {
            name: m.name.clone(),
            values: ExtraValues::Number(values),
        });
    }
    let ids = data.id.clone();
    let frames = data.frame.clone();
    let mut data = finish(data, path, |id, frame| {
        let mut found = (0..ids.len())
            .filter(|&i| ids[i] == id && frames[i] == frame)
            .map(|i| RowLocation::Record(i as u64 + 1));
        let first = found.next().unwrap_or(RowLocation::Record(0));
        let second = found.next().unwrap_or(first);
        (first, second)
    })?;
    override_frame_rate(path, &mut data, frame_rate, "`fps` attribute", &mut notes)?;
    Ok(LoadedTrajectory {
        data,
        walkable_area_wkt: wkt,
        format: TrajectoryFormat::DataArchiveHdf5,
        notes,
    })
}

/// A text attribute's value.
fn attr_text(value: &AttrValue) -> Option<String> {
    match value {
        AttrValue::String(s) | AttrValue::AsciiString(s) | AttrValue::VarLenString(s) => {
            Some(s.trim_end_matches('\0').to_owned())
        }
        AttrValue::StringSized { value, .. } | AttrValue::AsciiStringSized { value, .. } => {
            Some(value.trim_end_matches('\0').to_owned())
        }
        AttrValue::StringArray(v)
        | AttrValue::AsciiStringArray(v)
        | AttrValue::VarLenStringArray(v)
        | AttrValue::VarLenAsciiCharArray(v)
            if v.len() == 1 =>
        {
            Some(v[0].trim_end_matches('\0').to_owned())
        }
        _ => None,
    }
}

/// A numeric attribute's value (a scalar or a one-element array; text holding a number too).
fn attr_number(value: &AttrValue) -> Option<f64> {
    Some(match value {
        AttrValue::F64(v) => *v,
        AttrValue::F32(v) => f64::from(*v),
        AttrValue::I8(v) => f64::from(*v),
        AttrValue::I16(v) => f64::from(*v),
        AttrValue::I32(v) => f64::from(*v),
        AttrValue::I64(v) => *v as f64,
        AttrValue::U8(v) => f64::from(*v),
        AttrValue::U16(v) => f64::from(*v),
        AttrValue::U32(v) => f64::from(*v),
        AttrValue::U64(v) => *v as f64,
        AttrValue::F64Array(v) if v.len() == 1 => v[0],
        AttrValue::F32Array(v) if v.len() == 1 => f64::from(v[0]),
        AttrValue::I64Array(v) if v.len() == 1 => v[0] as f64,
        AttrValue::I32Array(v) if v.len() == 1 => f64::from(v[0]),
        other => attr_text(other)?.trim().parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_integers_and_floats_of_any_width_and_order() {
        let int = |size, signed, big| NumberKind::Int { size, signed, big };
        assert!(matches!(
            decode(&[0xff], int(1, true, false)),
            Number::Int(-1)
        ));
        assert!(matches!(
            decode(&[0xff], int(1, false, false)),
            Number::Int(255)
        ));
        assert!(matches!(
            decode(&[0x01, 0x00], int(2, true, true)),
            Number::Int(256)
        ));
        assert!(matches!(
            decode(&(-5i64).to_le_bytes(), int(8, true, false)),
            Number::Int(-5)
        ));
        let f = decode(
            &2.5f64.to_be_bytes(),
            NumberKind::Float { size: 8, big: true },
        );
        assert_eq!(f.as_f64(), 2.5);
        let f = decode(
            &1.5f32.to_le_bytes(),
            NumberKind::Float {
                size: 4,
                big: false,
            },
        );
        assert_eq!(f.as_f64(), 1.5);
        assert!(
            Number::Int(-1)
                .as_index("id")
                .unwrap_err()
                .contains("negative")
        );
        assert!(Number::Float(1.5).as_index("frame").is_err());
        assert_eq!(Number::Float(3.0).as_index("frame"), Ok(3));
    }
}
