using System.Collections.Generic;
using System.Diagnostics;
using AutoDiffGen.GradBench.Evals;

namespace AutoDiffGen.GradBench.Protocol;

/// <summary>Runs an evaluation as often as GradBench's <c>Runs</c> fields ask, timing each run.</summary>
internal static class RunTimer
{
    /// <summary>
    /// Runs <paramref name="evaluation"/> at least <paramref name="minRuns"/> times and until the runs add up to at
    /// least <paramref name="minSeconds"/>; returns the duration of each run in nanoseconds.
    /// </summary>
    public static List<long> Measure(IEvaluation evaluation, int minRuns, double minSeconds)
    {
        var durations = new List<long>();
        long total = 0;
        long minimum = (long)(minSeconds * 1e9);
        while (durations.Count < minRuns || total < minimum)
        {
            long duration = TimeOnce(evaluation);
            durations.Add(duration);
            total += duration;
        }
        return durations;
    }

    /// <summary>Runs <paramref name="evaluation"/> once and returns how long it took in nanoseconds.</summary>
    public static long TimeOnce(IEvaluation evaluation)
    {
        long start = Stopwatch.GetTimestamp();
        evaluation.Run();
        long end = Stopwatch.GetTimestamp();
        return (long)((end - start) * (1e9 / Stopwatch.Frequency));
    }
}
