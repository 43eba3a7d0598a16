using System;

namespace AutoDiffGen.Tests;

/// <summary>Generated gradients do not allocate in steady state: tapes come from a pool, adjoints are the caller's.</summary>
public class AllocationTests
{
    private static long AllocatedBy(Action action, int repetitions)
    {
        action(); // first call: the tape's pool warms up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < repetitions; i++)
        {
            action();
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Scalar_gradient_without_loops_allocates_nothing()
    {
        double sink = 0;
        long bytes = AllocatedBy(() => sink += Functions.EarlyReturnsGradient(0.7, 1.3, out double dx, out double dy) + dx + dy, 1000);
        Assert.Equal(0, bytes);
        Assert.NotEqual(0, sink);
    }

    [Fact]
    public void Scalar_gradient_with_a_taped_loop_allocates_nothing_in_steady_state()
    {
        double sink = 0;
        long bytes = AllocatedBy(() => sink += Functions.WhileNewtonGradient(2.0, out double da) + da, 1000);
        Assert.Equal(0, bytes);
        Assert.NotEqual(0, sink);
    }

    [Fact]
    public void Array_gradient_allocates_nothing_in_steady_state()
    {
        double[] c = [1, -2, 0.5, 3, 0.25, -1];
        var dc = new double[c.Length];
        double sink = 0;
        long bytes = AllocatedBy(() => sink += Functions.HornerGradient(0.9, c, out double dx, dc) + dx, 1000);
        Assert.Equal(0, bytes);
        Assert.NotEqual(0, sink);
    }
}
