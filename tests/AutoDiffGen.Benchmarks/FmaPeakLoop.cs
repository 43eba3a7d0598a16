using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// The machine's fp32 FMA peak as code can reach it: every thread runs <see cref="Chains"/> independent chains of vector
/// fused multiply-adds and nothing else, so the time is set by the FMA units alone, with no loads, stores or caches.
/// </summary>
/// <remarks>
/// <para>
/// Twelve chains cover the FMA latency times the FMA ports of current cores (Zen 3: 4 cycles × 2 ports = 8 in flight;
/// Intel: 4 × 2) and still leave registers for the two constants. Vector512 is used where the runtime accelerates it,
/// otherwise Vector256, so the loop runs at the widest vectors <see cref="Tensors.Gemm"/> can use on this machine.
/// </para>
/// <para>
/// The helper threads are started as <see cref="Tensors.Gemm"/> starts its own: queued to the thread pool, while the
/// calling thread runs its share and then spins until they are done. Each thread has a fixed share, so the run takes
/// as long as the slowest one: if the helpers did not run alongside the caller, the time would show it.
/// </para>
/// </remarks>
internal sealed class FmaPeakLoop : IThreadPoolWorkItem
{
    /// <summary>Independent accumulators per thread.</summary>
    public const int Chains = 12;

    /// <summary>
    /// Floating-point operations of one <see cref="Run"/>, whatever the thread count: 2^20 iterations of 12 Vector256
    /// FMAs of 8 lanes × 2 operations (the same total in half the iterations with Vector512), about 2 ms on one core of
    /// 100 GFLOP/s. The threads split it evenly.
    /// </summary>
    public const long FlopsPerRun = 2L * 8 * Chains * (1 << 20);

    // Each step maps a → a·0.9999 + 0.0001, which converges to 1: no overflow and no denormals, however long it runs.
    private static readonly float s_multiplier = 0.9999f;
    private static readonly float s_addend = 0.0001f;

    private readonly int _threads;
    private readonly int _iterationsPerThread;
    private readonly float[] _helperSums;
    private int _nextHelper;
    private int _finishedHelpers;

    /// <summary>A loop that runs its <see cref="FlopsPerRun"/> operations on <paramref name="threads"/> threads, the caller included.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The operations do not split evenly over <paramref name="threads"/>.</exception>
    public FmaPeakLoop(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        long flopsPerIteration = 2L * LanesPerVector * Chains;
        if (FlopsPerRun % (flopsPerIteration * threads) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"{FlopsPerRun} operations do not split evenly over {threads} threads.");
        }
        _threads = threads;
        _iterationsPerThread = (int)(FlopsPerRun / (flopsPerIteration * threads));
        _helperSums = new float[threads - 1];
    }

    /// <summary>The vector width the loop runs at: "Vector512" or "Vector256".</summary>
    public static string VectorWidth => Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256";

    private static int LanesPerVector => Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count;

    /// <summary>Runs every thread's chains to the end and returns the sum of all accumulators, so none of the work can be dropped.</summary>
    public float Run()
    {
        int helpers = _threads - 1;
        _nextHelper = 0;
        _finishedHelpers = 0;
        // Queueing publishes the fields above to the pool threads (it is a full barrier).
        for (int i = 0; i < helpers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        float sum = RunChains(_iterationsPerThread);
        SpinWait spin = default;
        while (Volatile.Read(ref _finishedHelpers) < helpers)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        foreach (float helperSum in _helperSums)
        {
            sum += helperSum;
        }
        return sum;
    }

    void IThreadPoolWorkItem.Execute()
    {
        int slot = Interlocked.Increment(ref _nextHelper) - 1;
        _helperSums[slot] = RunChains(_iterationsPerThread);
        // The increment publishes the sum to the caller, which reads it only after seeing the count.
        Interlocked.Increment(ref _finishedHelpers);
    }

    private static float RunChains(int iterations) =>
        Vector512.IsHardwareAccelerated ? RunChains512(iterations, s_multiplier, s_addend) : RunChains256(iterations, s_multiplier, s_addend);

    // Fully optimised from the first call: the benchmark must not time a tier-0 or on-stack-replaced version of the loop.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float RunChains256(int iterations, float multiplierValue, float addendValue)
    {
        Vector256<float> multiplier = Vector256.Create(multiplierValue);
        Vector256<float> addend = Vector256.Create(addendValue);
        // Different starting values, so no two chains are the same computation.
        Vector256<float> a0 = Vector256.Create(0.00f), a1 = Vector256.Create(0.01f), a2 = Vector256.Create(0.02f), a3 = Vector256.Create(0.03f);
        Vector256<float> a4 = Vector256.Create(0.04f), a5 = Vector256.Create(0.05f), a6 = Vector256.Create(0.06f), a7 = Vector256.Create(0.07f);
        Vector256<float> a8 = Vector256.Create(0.08f), a9 = Vector256.Create(0.09f), a10 = Vector256.Create(0.10f), a11 = Vector256.Create(0.11f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, multiplier, addend);
            a1 = Vector256.FusedMultiplyAdd(a1, multiplier, addend);
            a2 = Vector256.FusedMultiplyAdd(a2, multiplier, addend);
            a3 = Vector256.FusedMultiplyAdd(a3, multiplier, addend);
            a4 = Vector256.FusedMultiplyAdd(a4, multiplier, addend);
            a5 = Vector256.FusedMultiplyAdd(a5, multiplier, addend);
            a6 = Vector256.FusedMultiplyAdd(a6, multiplier, addend);
            a7 = Vector256.FusedMultiplyAdd(a7, multiplier, addend);
            a8 = Vector256.FusedMultiplyAdd(a8, multiplier, addend);
            a9 = Vector256.FusedMultiplyAdd(a9, multiplier, addend);
            a10 = Vector256.FusedMultiplyAdd(a10, multiplier, addend);
            a11 = Vector256.FusedMultiplyAdd(a11, multiplier, addend);
        }
        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float RunChains512(int iterations, float multiplierValue, float addendValue)
    {
        Vector512<float> multiplier = Vector512.Create(multiplierValue);
        Vector512<float> addend = Vector512.Create(addendValue);
        Vector512<float> a0 = Vector512.Create(0.00f), a1 = Vector512.Create(0.01f), a2 = Vector512.Create(0.02f), a3 = Vector512.Create(0.03f);
        Vector512<float> a4 = Vector512.Create(0.04f), a5 = Vector512.Create(0.05f), a6 = Vector512.Create(0.06f), a7 = Vector512.Create(0.07f);
        Vector512<float> a8 = Vector512.Create(0.08f), a9 = Vector512.Create(0.09f), a10 = Vector512.Create(0.10f), a11 = Vector512.Create(0.11f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, multiplier, addend);
            a1 = Vector512.FusedMultiplyAdd(a1, multiplier, addend);
            a2 = Vector512.FusedMultiplyAdd(a2, multiplier, addend);
            a3 = Vector512.FusedMultiplyAdd(a3, multiplier, addend);
            a4 = Vector512.FusedMultiplyAdd(a4, multiplier, addend);
            a5 = Vector512.FusedMultiplyAdd(a5, multiplier, addend);
            a6 = Vector512.FusedMultiplyAdd(a6, multiplier, addend);
            a7 = Vector512.FusedMultiplyAdd(a7, multiplier, addend);
            a8 = Vector512.FusedMultiplyAdd(a8, multiplier, addend);
            a9 = Vector512.FusedMultiplyAdd(a9, multiplier, addend);
            a10 = Vector512.FusedMultiplyAdd(a10, multiplier, addend);
            a11 = Vector512.FusedMultiplyAdd(a11, multiplier, addend);
        }
        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }
}
