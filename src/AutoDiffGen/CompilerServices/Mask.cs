using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace AutoDiffGen.CompilerServices;

/// <summary>
/// <c>condition ? value : 0</c> without a branch, for generated derivatives of max, min, abs and clamp: their
/// conditions follow the data (the sign of a ReLU's input), so a branch mispredicts about half the time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Mask
{
    /// <summary><paramref name="value"/> where <paramref name="condition"/> holds, else +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Keep(bool condition, float value) =>
        BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(value) & -Unsafe.As<bool, byte>(ref condition));

    /// <summary><paramref name="value"/> where <paramref name="condition"/> holds, else +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Keep(bool condition, double value) =>
        BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(value) & -(long)Unsafe.As<bool, byte>(ref condition));
}
