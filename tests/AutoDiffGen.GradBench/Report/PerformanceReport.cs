using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using AutoDiffGen.GradBench.Evals;

namespace AutoDiffGen.GradBench.Report;

/// <summary>
/// The <c>--report</c> mode: for each workload, the time of the objective, the time of its derivative and their
/// ratio, the number GradBench's charts compare tools by. Times are medians over several samples, each the mean of
/// enough back-to-back calls to last a few milliseconds.
/// </summary>
internal static class PerformanceReport
{
    /// <summary>How long one sample lasts at least, so that timer resolution and jitter do not matter.</summary>
    private const double SampleSeconds = 0.005;

    /// <summary>How long calls are made before timing starts, so that the JIT has compiled optimized code.</summary>
    private const double WarmupSeconds = 0.3;

    /// <summary>Calls made before timing starts: the runtime recompiles a method with full optimization after 30 calls.</summary>
    private const int WarmupCalls = 60;

    /// <summary>The longest warm-up, for workloads whose calls take long enough that loop code is optimized on the fly anyway.</summary>
    private const double WarmupLimitSeconds = 3;

    /// <summary>The gmm sizes of GradBench's default workloads (run.py's -d and -k), each with n = 1000.</summary>
    private static readonly int[] GmmDimensions = [2, 10, 20, 32, 64];

    private static readonly int[] GmmComponents = [5, 10, 25, 50, 100];

    /// <summary>The lstm sizes of GradBench's default workloads (run.py's -l and -c).</summary>
    private static readonly int[] LstmLayers = [2, 4, 6];

    private static readonly int[] LstmCharacters = [1024, 4096, 8192];

    /// <summary>Bits per character in GradBench's lstm text, as in its saved workloads.</summary>
    private const int LstmBits = 14;

    /// <summary>The medians of one workload's samples, and the ratio of its fastest samples.</summary>
    /// <param name="Objective">The median time of one objective call in seconds.</param>
    /// <param name="Derivative">The median time of one derivative call in seconds.</param>
    /// <param name="FastestRatio">
    /// The fastest derivative sample over the fastest objective sample: on a busy machine other processes only ever
    /// add time, so this ratio is the less disturbed one.
    /// </param>
    internal sealed record Timing(double Objective, double Derivative, double FastestRatio)
    {
        /// <summary>Derivative time over objective time, the number GradBench compares tools by.</summary>
        public double Ratio => Derivative / Objective;
    }

    /// <summary>A workload: how to bind its objective and its derivative.</summary>
    private sealed record Workload(string Eval, string Name, Func<IEvaluation> Objective, Func<IEvaluation> Derivative);

    /// <summary>
    /// Times every saved workload in <paramref name="directory"/>, then the generated ones, and prints the table; only
    /// workloads whose "eval name" contains <paramref name="filter"/> are timed.
    /// </summary>
    public static void Run(string directory, int samples, bool generated, string filter, TextWriter output)
    {
        output.WriteLine($"AutoDiffGen in GradBench: objective and derivative times ({RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSArchitecture}, one thread).");
        output.WriteLine($"Each time is the median of {samples} samples, each the mean of back-to-back calls lasting at least {SampleSeconds * 1000:0} ms; objective and derivative samples alternate.");
        output.WriteLine();
        output.WriteLine("| eval | workload | objective | derivative | ratio | ratio of fastest samples |");
        output.WriteLine("|---|---|---:|---:|---:|---:|");
        var ratios = new List<(string Eval, bool Generated, double Ratio)>();
        foreach ((Workload workload, bool isGenerated) in SavedWorkloads(directory).Select(w => (w, false))
                     .Concat((generated ? GeneratedWorkloads() : []).Select(w => (w, true)))
                     .Where(w => $"{w.Item1.Eval} {w.Item1.Name}".Contains(filter, StringComparison.Ordinal)))
        {
            Timing timing = MedianSeconds(workload.Objective(), workload.Derivative(), samples);
            ratios.Add((workload.Eval, isGenerated, timing.Ratio));
            output.WriteLine($"| {workload.Eval} | {workload.Name} | {Format(timing.Objective)} | {Format(timing.Derivative)} | {Ratio(timing.Ratio)} | {Ratio(timing.FastestRatio)} |");
            output.Flush();
        }
        output.WriteLine();
        output.WriteLine("Geometric mean of the ratios:");
        output.WriteLine();
        output.WriteLine("| eval | saved workloads | saved and generated |");
        output.WriteLine("|---|---:|---:|");
        foreach (IGrouping<string, (string Eval, bool Generated, double Ratio)> eval in ratios.GroupBy(r => r.Eval))
        {
            string saved = GeometricMean(eval.Where(r => !r.Generated).Select(r => r.Ratio));
            string all = GeometricMean(eval.Select(r => r.Ratio));
            output.WriteLine($"| {eval.Key} | {saved} | {all} |");
        }
    }

    private static IEnumerable<Workload> SavedWorkloads(string directory)
    {
        foreach (string path in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            // A workload file holds the eval's input message fields: module, functions, input.
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = document.RootElement;
            if (!root.TryGetProperty("module", out JsonElement module) || !root.TryGetProperty("input", out JsonElement input) ||
                !EvalModules.Supported.TryGetValue(module.GetString() ?? "", out IEvalModule? eval))
            {
                continue;
            }
            // Read the input now, outside the timed region, as the protocol does.
            JsonElement inputCopy = input.Clone();
            IEvaluation objective = eval.Prepare(eval.Functions[0], inputCopy);
            IEvaluation derivative = eval.Prepare(eval.Functions[1], inputCopy);
            yield return new Workload(eval.Name, Path.GetFileNameWithoutExtension(path) + " (saved)", () => objective, () => derivative);
        }
    }

    private static IEnumerable<Workload> GeneratedWorkloads()
    {
        foreach ((int d, int k) in GmmDimensions.SelectMany(d => GmmComponents.Select(k => (d, k))).OrderBy(p => p.d * p.k))
        {
            GmmModule.GmmInput input = WorkloadGenerator.Gmm(d, k, n: 1000, seed: 31337 + d * 1000 + k);
            yield return new Workload("gmm", $"d={d} k={k} n=1000 (generated)",
                () => GmmModule.Prepare("objective", input), () => GmmModule.Prepare("jacobian", input));
        }
        foreach ((int layers, int characters) in LstmLayers.SelectMany(l => LstmCharacters.Select(c => (l, c))).OrderBy(p => p.l * p.c))
        {
            LstmModule.LstmInput input = WorkloadGenerator.Lstm(layers, characters, LstmBits, seed: 31337 + layers * 10000 + characters);
            yield return new Workload("lstm", $"l={layers} c={characters} (generated)",
                () => LstmModule.Prepare("objective", input), () => LstmModule.Prepare("jacobian", input));
        }
    }

    /// <summary>
    /// The median over <paramref name="samples"/> samples of the time of one call of each evaluation, after a warm-up.
    /// Objective and derivative samples alternate, so that a burst of load from other processes hits both alike.
    /// </summary>
    internal static Timing MedianSeconds(IEvaluation objective, IEvaluation derivative, int samples)
    {
        int objectiveCalls = CallsPerSample(Warmup(objective));
        int derivativeCalls = CallsPerSample(Warmup(derivative));
        var objectiveTimes = new double[samples];
        var derivativeTimes = new double[samples];
        for (int s = 0; s < samples; s++)
        {
            objectiveTimes[s] = Sample(objective, objectiveCalls);
            derivativeTimes[s] = Sample(derivative, derivativeCalls);
        }
        Array.Sort(objectiveTimes);
        Array.Sort(derivativeTimes);
        return new Timing(objectiveTimes[samples / 2], derivativeTimes[samples / 2], derivativeTimes[0] / objectiveTimes[0]);
    }

    private static int CallsPerSample(double secondsPerCall) => Math.Max(1, (int)Math.Ceiling(SampleSeconds / Math.Max(secondsPerCall, 1e-9)));

    /// <summary>The mean time of <paramref name="calls"/> back-to-back calls.</summary>
    private static double Sample(IEvaluation evaluation, int calls)
    {
        long start = Stopwatch.GetTimestamp();
        for (int call = 0; call < calls; call++)
        {
            evaluation.Run();
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
    }

    /// <summary>
    /// Calls until <see cref="WarmupSeconds"/> have passed and at least <see cref="WarmupCalls"/> calls were made
    /// (but no longer than <see cref="WarmupLimitSeconds"/>); returns the fastest call's time.
    /// </summary>
    private static double Warmup(IEvaluation evaluation)
    {
        double fastest = double.MaxValue;
        long start = Stopwatch.GetTimestamp();
        for (int call = 0; call < 2 || (call < WarmupCalls || Stopwatch.GetElapsedTime(start).TotalSeconds < WarmupSeconds) && Stopwatch.GetElapsedTime(start).TotalSeconds < WarmupLimitSeconds; call++)
        {
            long callStart = Stopwatch.GetTimestamp();
            evaluation.Run();
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(callStart).TotalSeconds);
        }
        return fastest;
    }

    private static string GeometricMean(IEnumerable<double> values)
    {
        double[] all = values.ToArray();
        return all.Length == 0 ? "–" : Ratio(Math.Exp(all.Average(Math.Log)));
    }

    private static string Ratio(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Format(double seconds) =>
        seconds >= 1e-3 ? (seconds * 1e3).ToString("0.000", CultureInfo.InvariantCulture) + " ms"
        : seconds >= 1e-6 ? (seconds * 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " µs"
        : (seconds * 1e9).ToString("0", CultureInfo.InvariantCulture) + " ns";
}
