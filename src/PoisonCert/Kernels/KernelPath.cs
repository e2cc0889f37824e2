using System.Runtime.Intrinsics;

namespace PoisonCert.Kernels;

/// <summary>
/// Which instruction width a kernel runs with. <see cref="Automatic"/> takes the widest width the hardware
/// accelerates (switched off by DOTNET_EnableAVX512F=0, DOTNET_EnableAVX2=0, DOTNET_EnableHWIntrinsic=0); the
/// others force a width, falling back to the next narrower accelerated one. Every path gives the same bits.
/// </summary>
public enum KernelPath
{
    Automatic,
    Vector512,
    Vector256,
    Vector128,
    Scalar,
}

internal static class KernelPaths
{
    public static KernelPath Resolve(KernelPath requested)
    {
        if (requested is KernelPath.Automatic or KernelPath.Vector512 && Vector512.IsHardwareAccelerated) return KernelPath.Vector512;
        if (requested is KernelPath.Automatic or KernelPath.Vector512 or KernelPath.Vector256 && Vector256.IsHardwareAccelerated) return KernelPath.Vector256;
        if (requested != KernelPath.Scalar && Vector128.IsHardwareAccelerated) return KernelPath.Vector128;
        return KernelPath.Scalar;
    }
}
