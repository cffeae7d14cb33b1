//! With `--features cuda`, compiles the fused encoder's kernels (src/embed/fused/kernels.cu) to
//! PTX with nvcc for `CUDA_COMPUTE_CAP` (scripts/build-cuda.sh). The default build has no CUDA
//! and does nothing here.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    #[cfg(feature = "cuda")]
    {
        const KERNELS: &str = "src/embed/fused/kernels.cu";
        println!("cargo::rerun-if-changed={KERNELS}");
        if let Err(e) = bindgen_cuda::Builder::default()
            .kernel_paths(vec![KERNELS])
            .arg("-O3")
            .arg("-std=c++17")
            .build_ptx()
        {
            panic!("nvcc could not compile {KERNELS}: {e:?}");
        }
    }
}
