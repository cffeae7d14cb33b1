//! Where the encoder runs and in what precision. A build without `--features cuda` still takes
//! `--device cuda` and refuses it here, saying how to get the GPU path, so the CLI is the same in
//! every build.

use candle_core::{DType, Device};
use serde::Serialize;

use super::EmbedError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceChoice {
    Auto,
    Cpu,
    Cuda(usize),
    /// Every CUDA device this process sees.
    CudaAll,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    F32,
    F16,
    Bf16,
}

impl Precision {
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F16 => "f16",
            Precision::Bf16 => "bf16",
        }
    }

    pub(super) fn dtype(self) -> DType {
        match self {
            Precision::F32 => DType::F32,
            Precision::F16 => DType::F16,
            Precision::Bf16 => DType::BF16,
        }
    }
}

/// A device and its name for the report (`cpu`, `cuda:1`).
pub type Named = (Device, String);

/// The devices `--device` lists, each with its name for the report, and why `auto` fell back
/// to the CPU (if it did). One encoder runs on each, so a device may be listed twice (`cpu,cpu`);
/// `auto` and `cuda:all` stand alone, and the devices of one run are of one kind, since the
/// precision and batch sizes are chosen for all of them.
pub fn select_devices(
    choices: &[DeviceChoice],
) -> Result<(Vec<Named>, Option<String>), EmbedError> {
    let alone = |c: &DeviceChoice| matches!(c, DeviceChoice::Auto | DeviceChoice::CudaAll);
    match choices {
        [] => Err(EmbedError::Options("--device lists no device".into())),
        [DeviceChoice::CudaAll] => Ok((all_cuda_devices()?, None)),
        [one] => {
            let (device, name, warning) = select_device(*one)?;
            Ok((vec![(device, name)], warning))
        }
        many if many.iter().any(alone) => Err(EmbedError::Options(
            "--device auto and cuda:all stand alone, not in a list".into(),
        )),
        many => {
            let devices = many
                .iter()
                .map(|c| select_device(*c).map(|(device, name, _)| (device, name)))
                .collect::<Result<Vec<_>, _>>()?;
            if devices.iter().any(|(d, _)| d.is_cpu()) && devices.iter().any(|(d, _)| !d.is_cpu()) {
                return Err(EmbedError::Options(
                    "--device lists CPUs and GPUs together; run one kind per process".into(),
                ));
            }
            Ok((devices, None))
        }
    }
}

/// `cuda:all`: ordinals from 0 up to the first that does not open (through `select_device`, so
/// that a build without CUDA refuses it as it refuses `cuda:0`).
fn all_cuda_devices() -> Result<Vec<Named>, EmbedError> {
    let mut devices = Vec::new();
    loop {
        match select_device(DeviceChoice::Cuda(devices.len())) {
            Ok((device, name, _)) => devices.push((device, name)),
            Err(EmbedError::NoGpu { reason, .. }) if devices.is_empty() => {
                return Err(EmbedError::NoGpu {
                    device: "cuda:all".into(),
                    reason,
                })
            }
            Err(e) if devices.is_empty() => return Err(e),
            Err(_) => return Ok(devices),
        }
    }
}

/// The resolved device, its name for the report, and why `auto` fell back to the CPU (if it did).
pub fn select_device(choice: DeviceChoice) -> Result<(Device, String, Option<String>), EmbedError> {
    #[cfg(feature = "cuda")]
    {
        let ordinal = match choice {
            DeviceChoice::Cpu => return Ok((Device::Cpu, "cpu".into(), None)),
            DeviceChoice::Auto | DeviceChoice::CudaAll => 0,
            DeviceChoice::Cuda(n) => n,
        };
        match Device::new_cuda(ordinal) {
            Ok(device) => Ok((device, format!("cuda:{ordinal}"), None)),
            Err(e) if choice == DeviceChoice::Auto => Ok((
                Device::Cpu,
                "cpu".into(),
                Some(format!(
                    "no usable CUDA device ({}); running on the CPU",
                    e.to_string().lines().next().unwrap_or_default()
                )),
            )),
            Err(e) => Err(EmbedError::NoGpu {
                device: format!("cuda:{ordinal}"),
                reason: e.to_string().lines().next().unwrap_or_default().to_owned(),
            }),
        }
    }
    #[cfg(not(feature = "cuda"))]
    match choice {
        DeviceChoice::Auto | DeviceChoice::Cpu => Ok((Device::Cpu, "cpu".into(), None)),
        DeviceChoice::Cuda(n) => Err(EmbedError::NoGpu {
            device: format!("cuda:{n}"),
            reason: "this lakeops was built without CUDA support".into(),
        }),
        DeviceChoice::CudaAll => all_cuda_devices().map(|mut all| {
            let (device, name) = all.remove(0);
            (device, name, None)
        }),
    }
}
