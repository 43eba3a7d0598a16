using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// <c>cblas_sgemm</c> of the system's OpenBLAS, loaded at run time, with the same three row-major forms as
/// <see cref="Gemm"/> (A·B, A·Bᵀ, Aᵀ·B, stored or accumulated), so the two can be timed on the same tensors.
/// </summary>
/// <remarks>
/// Loaded with <see cref="NativeLibrary"/> rather than a <c>DllImport</c>, so that a machine without OpenBLAS (the CI
/// machine, say) still builds and runs everything else, and the benchmarks can name the missing library instead of
/// failing with a <see cref="DllNotFoundException"/> at the first call. The index type is a 32-bit int, as in Debian's
/// libopenblas0 (the 64-bit-index build is a different library, libopenblas64).
/// </remarks>
internal static unsafe class OpenBlas
{
    /// <summary>The soname Debian's libopenblas0-pthread installs (an alternatives link to the build for this CPU family).</summary>
    public const string LibraryName = "libopenblas.so.0";

    // CBLAS enum values (cblas.h).
    private const int RowMajor = 101;
    private const int NoTranspose = 111;
    private const int Transpose = 112;

    // cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
    private static delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm;
    private static delegate* unmanaged<int, void> s_setNumThreads;
    private static delegate* unmanaged<int> s_getNumThreads;
    private static delegate* unmanaged<byte*> s_getConfig;

    /// <summary>Loads <see cref="LibraryName"/> and its exports once; false, with the reason, if it or an export is missing.</summary>
    public static bool TryLoad([NotNullWhen(false)] out string? failure)
    {
        if (s_sgemm != null)
        {
            failure = null;
            return true;
        }
        if (!NativeLibrary.TryLoad(LibraryName, out IntPtr library))
        {
            failure = $"{LibraryName} could not be loaded (on Debian/Ubuntu it comes with the libopenblas0-pthread package)";
            return false;
        }
        foreach (string export in new[] { "cblas_sgemm", "openblas_set_num_threads", "openblas_get_num_threads", "openblas_get_config" })
        {
            if (!NativeLibrary.TryGetExport(library, export, out _))
            {
                failure = $"{LibraryName} was loaded but has no export '{export}'";
                return false;
            }
        }
        s_setNumThreads = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(library, "openblas_set_num_threads");
        s_getNumThreads = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "openblas_get_num_threads");
        s_getConfig = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(library, "openblas_get_config");
        s_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLibrary.GetExport(library, "cblas_sgemm");
        failure = null;
        return true;
    }

    /// <summary>Loads the library or throws, naming it; for benchmark setups, where a missing library must fail the case rather than time nothing.</summary>
    /// <exception cref="DllNotFoundException">The library or one of its exports is missing.</exception>
    public static void Load()
    {
        if (!TryLoad(out string? failure))
        {
            throw new DllNotFoundException($"OpenBLAS benchmarks need {LibraryName}: {failure}.");
        }
    }

    /// <summary>The threads OpenBLAS uses for one call from now on (its own pool, the calling thread included).</summary>
    public static int Threads
    {
        get
        {
            RequireLoaded();
            return s_getNumThreads();
        }
        set
        {
            RequireLoaded();
            s_setNumThreads(value);
        }
    }

    /// <summary>OpenBLAS's build description, such as "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".</summary>
    public static string Configuration
    {
        get
        {
            RequireLoaded();
            return Marshal.PtrToStringUTF8((IntPtr)s_getConfig()) ?? string.Empty;
        }
    }

    /// <summary>C = A·B, or C += A·B; A is m × k, B is k × n, C is m × n (as <see cref="Gemm.AB(Tensor, Tensor, Tensor, bool)"/>).</summary>
    public static void AB(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        Require(b.Rows == a.Columns, "AB", a, b, c);
        Multiply(transposeA: false, transposeB: false, a, lda: a.Columns, b, ldb: b.Columns, c, m: a.Rows, n: b.Columns, k: a.Columns, accumulate);
    }

    /// <summary>C = A·Bᵀ, or C += A·Bᵀ; A is m × k, B is n × k, C is m × n (as <see cref="Gemm.ABt(Tensor, Tensor, Tensor, bool)"/>).</summary>
    public static void ABt(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        Require(b.Columns == a.Columns, "ABt", a, b, c);
        Multiply(transposeA: false, transposeB: true, a, lda: a.Columns, b, ldb: b.Columns, c, m: a.Rows, n: b.Rows, k: a.Columns, accumulate);
    }

    /// <summary>C = Aᵀ·B, or C += Aᵀ·B; A is k × m, B is k × n, C is m × n (as <see cref="Gemm.AtB(Tensor, Tensor, Tensor, bool)"/>).</summary>
    public static void AtB(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        Require(b.Rows == a.Rows, "AtB", a, b, c);
        Multiply(transposeA: true, transposeB: false, a, lda: a.Columns, b, ldb: b.Columns, c, m: a.Columns, n: b.Columns, k: a.Rows, accumulate);
    }

    // Row-major, so each leading dimension is the stored row length of its operand, transposed or not.
    private static void Multiply(bool transposeA, bool transposeB, Tensor a, int lda, Tensor b, int ldb, Tensor c, int m, int n, int k, bool accumulate)
    {
        if (c.Rows != m || c.Columns != n)
        {
            throw new ArgumentException($"OpenBLAS sgemm: C has shape {c.ShapeText} but must be [{m}, {n}].", nameof(c));
        }
        RequireLoaded();
        // The arrays stay pinned for the whole call, which returns only when OpenBLAS's threads are done with them.
        fixed (float* aData = a.AsSpan(), bData = b.AsSpan(), cData = c.AsSpan())
        {
            s_sgemm(RowMajor, transposeA ? Transpose : NoTranspose, transposeB ? Transpose : NoTranspose, m, n, k,
                1f, aData, lda, bData, ldb, accumulate ? 1f : 0f, cData, n);
        }
    }

    private static void Require(bool fits, string form, Tensor a, Tensor b, Tensor c)
    {
        if (!fits)
        {
            throw new ArgumentException($"OpenBLAS {form}: A {a.ShapeText} and B {b.ShapeText} do not fit (C {c.ShapeText}).");
        }
    }

    private static void RequireLoaded()
    {
        if (s_sgemm == null)
        {
            throw new InvalidOperationException($"Call {nameof(OpenBlas)}.{nameof(TryLoad)} or {nameof(Load)} first.");
        }
    }
}
