using System;
using System.ComponentModel;

namespace AutoDiffGen.CompilerServices;

/// <summary>
/// A per-thread buffer that generated code passes as the adjoint of an argument whose gradient nobody needs
/// (a constant array handed to a differentiable callee). Its contents are written and never read, so callers
/// at any depth may share it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ScratchAdjoint<T>
{
    [ThreadStatic]
    private static T[]? s_buffer;

    /// <summary>A span of <paramref name="length"/> elements whose contents are meaningless.</summary>
    public static Span<T> Get(int length)
    {
        T[]? buffer = s_buffer;
        if (buffer is null || buffer.Length < length)
        {
            buffer = new T[Math.Max(length, 64)];
            s_buffer = buffer;
        }
        return buffer.AsSpan(0, length);
    }
}
