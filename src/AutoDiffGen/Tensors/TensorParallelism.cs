using System;
using System.Threading;

namespace AutoDiffGen.Tensors;

/// <summary>How many threads tensor kernels such as <see cref="Gemm"/> may use.</summary>
/// <remarks>
/// Kernels split work only along output rows or columns, never along a reduction, and every output element is
/// summed in the same order whatever the thread count, so results are bit-identical for any value of
/// <see cref="MaxThreads"/>. Small products run on the calling thread regardless, because waking a second thread
/// costs more than it saves.
/// </remarks>
public static class TensorParallelism
{
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// The largest number of threads one kernel call uses, counting the calling thread; 1 runs everything on the
    /// calling thread. Defaults to <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => Volatile.Read(ref s_maxThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref s_maxThreads, value);
        }
    }

    // A thread that is itself one of several working side by side (a training shard) runs its kernels alone.
    [ThreadStatic]
    private static bool t_singleThreaded;

    /// <summary>The thread count a kernel called now on this thread may use.</summary>
    internal static int ThreadsForThisCall => t_singleThreaded ? 1 : MaxThreads;

    /// <summary>Makes kernels called on this thread run on it alone, until the returned scope is disposed.</summary>
    internal static SingleThreadedScope RunKernelsOnThisThreadOnly()
    {
        bool previous = t_singleThreaded;
        t_singleThreaded = true;
        return new SingleThreadedScope(previous);
    }

    /// <summary>Restores the calling thread's previous setting when disposed.</summary>
    internal readonly struct SingleThreadedScope(bool previous) : IDisposable
    {
        public void Dispose() => t_singleThreaded = previous;
    }
}
