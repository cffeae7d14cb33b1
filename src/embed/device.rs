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

/// The resolved device, its name for the report, and why `auto` fell back to the CPU (if it did).
pub fn select_device(choice: DeviceChoice) -> Result<(Device, String, Option<String>), EmbedError> {
    #[cfg(feature = "cuda")]
    {
        let ordinal = match choice {
            DeviceChoice::Cpu => return Ok((Device::Cpu, "cpu".into(), None)),
            DeviceChoice::Auto => 0,
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
    }
}
