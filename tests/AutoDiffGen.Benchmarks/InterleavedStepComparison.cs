using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// The comparison of <see cref="TrainingStepBenchmarks"/> measured so that the machine's drift cancels: the three steps
/// take turns, call after call, in one process, and their medians are compared. BenchmarkDotNet measures one benchmark
/// after the other, and on a shared machine whose speed wanders by 10–15% over minutes the ratio of two such runs
/// carries that wander; taking turns gives every step the same moments of the machine.
/// </summary>
public static class InterleavedStepComparison
{
    private const int WarmUpRounds = 200;

    /// <summary>Runs <paramref name="rounds"/> turns on 1 and on 2 threads and prints the medians and their ratios.</summary>
    public static void Run(TextWriter output, int rounds)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MNIST training step, the three versions taking turns: {rounds} calls each after {WarmUpRounds} warm-up calls; medians."));
        output.WriteLine("| Threads | hand-written | generated LossGradient | generated / hand-written | bias and ReLU as two layers / hand-written |");
        output.WriteLine("|--:|--:|--:|--:|--:|");
        int previousThreads = TensorParallelism.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                double[] medians = MeasureMedians(threads, rounds);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {threads} | {medians[0]:0.000} ms | {medians[1]:0.000} ms | {medians[1] / medians[0]:0.000} | {medians[2] / medians[0]:0.000} |"));
            }
        }
        finally
        {
            TensorParallelism.MaxThreads = previousThreads;
        }
    }

    /// <summary>
    /// The median milliseconds of <see cref="TrainingStepBenchmarks"/>' three benchmarks (hand-written, generated,
    /// generated unfused) on <paramref name="threads"/> threads, set up as BenchmarkDotNet sets them up.
    /// </summary>
    private static double[] MeasureMedians(int threads, int rounds)
    {
        var benchmarks = new TrainingStepBenchmarks { Threads = threads };
        benchmarks.Setup();
        Func<float>[] steps = [benchmarks.HandWritten, benchmarks.Generated, benchmarks.GeneratedUnfused];
        for (int round = 0; round < WarmUpRounds; round++)
        {
            foreach (Func<float> step in steps)
            {
                step();
            }
        }

        var milliseconds = new double[steps.Length][];
        for (int s = 0; s < steps.Length; s++)
        {
            milliseconds[s] = new double[rounds];
        }
        for (int round = 0; round < rounds; round++)
        {
            // The order rotates, so no version always runs right after the same other one.
            for (int turn = 0; turn < steps.Length; turn++)
            {
                int s = (round + turn) % steps.Length;
                long start = Stopwatch.GetTimestamp();
                steps[s]();
                milliseconds[s][round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        var medians = new double[steps.Length];
        for (int s = 0; s < steps.Length; s++)
        {
            Array.Sort(milliseconds[s]);
            medians[s] = milliseconds[s][rounds / 2];
        }
        return medians;
    }
}
