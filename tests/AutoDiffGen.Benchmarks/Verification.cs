using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using AutoDiffGen.Generator;
using AutoDiffGen.Tensors;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// Checks run before the benchmarks and by <c>--verify</c>: generated and hand-written gradients agree (and match
/// central finite differences, so the hand-written ones are not wrong in the same way), the generator's rerun
/// after an edit re-emits only the edited method, and OpenBLAS computes the products GemmBenchmarks times it on
/// (skipped, with a note, when OpenBLAS is not installed).
/// </summary>
public static class Verification
{
    public const double RelativeTolerance = 1e-9;

    public static bool Run(TextWriter output)
    {
        bool ok = true;
        output.WriteLine("== Gradient checks: generated vs hand-written (relative tolerance 1e-9) ==");
        ok &= CheckRosenbrock(output);
        ok &= CheckMse(output);
        ok &= CheckMixture(output);
        ok &= CheckMnistStep(output);
        output.WriteLine();
        output.WriteLine("== Generator incremental check ==");
        ok &= CheckGenerator(output);
        output.WriteLine();
        output.WriteLine("== OpenBLAS against Gemm (the products GemmBenchmarks compares) ==");
        ok &= CheckOpenBlas(output);
        output.WriteLine();
        output.WriteLine(ok ? "VERIFY: all checks passed" : "VERIFY: FAILED");
        return ok;
    }

    private static bool CheckRosenbrock(TextWriter output)
    {
        double[] x = Inputs.RosenbrockPoint();
        var generated = new double[x.Length];
        var hand = new double[x.Length];
        double generatedValue = Objectives.RosenbrockGradient(x, generated);
        double handValue = HandGradients.Rosenbrock(x, hand);
        double[] finite = FiniteDifferences(i => x[i], (i, v) => x[i] = v, [0, 1, 2, 499, 998, 999], () => Objectives.Rosenbrock(x), x.Length);
        return Report(output, "Rosenbrock (n=1000)", Objectives.Rosenbrock(x), generatedValue, handValue, generated, hand, finite);
    }

    private static bool CheckMse(TextWriter output)
    {
        (double w, double b, double[] x, double[] y) = Inputs.MseProblem();
        double generatedValue = Objectives.MseGradient(w, b, x, y, out double dW, out double dB);
        double handValue = HandGradients.Mse(w, b, x, y, out double hW, out double hB);
        double[] parameters = [w, b];
        double[] finite = FiniteDifferences(i => parameters[i], (i, v) => parameters[i] = v, [0, 1],
            () => Objectives.Mse(parameters[0], parameters[1], x, y), 2);
        return Report(output, "MSE (100,000 points)", Objectives.Mse(w, b, x, y), generatedValue, handValue, [dW, dB], [hW, hB], finite);
    }

    private static bool CheckMixture(TextWriter output)
    {
        (double[] logits, double[] means, double[] data) = Inputs.MixtureProblem();
        int k = logits.Length;
        var generatedLogits = new double[k];
        var generatedMeans = new double[k];
        var handLogits = new double[k];
        var handMeans = new double[k];
        double generatedValue = Objectives.LogSumExpMixtureGradient(logits, means, data, generatedLogits, generatedMeans);
        double handValue = HandGradients.LogSumExpMixture(logits, means, data, handLogits, handMeans);
        // Parameters laid end to end: logits, then means.
        double[] finite = FiniteDifferences(
            i => i < k ? logits[i] : means[i - k],
            (i, v) => { if (i < k) { logits[i] = v; } else { means[i - k] = v; } },
            Enumerable.Range(0, 2 * k).ToArray(),
            () => Objectives.LogSumExpMixture(logits, means, data),
            2 * k);
        return Report(output, "LogSumExpMixture (16 x 1000)", Objectives.LogSumExpMixture(logits, means, data), generatedValue, handValue,
            [.. generatedLogits, .. generatedMeans], [.. handLogits, .. handMeans], finite);
    }

    /// <summary>The generated MNIST step against the hand-written one: float32, so a float tolerance (1e-4 relative to the largest entry).</summary>
    private static bool CheckMnistStep(TextWriter output)
    {
        var generatedInputs = new MnistStepInputs(new Random(7));
        var handInputs = new MnistStepInputs(new Random(7));
        float generatedLoss = MnistNetwork.LossGradient(generatedInputs.W1, generatedInputs.B1, generatedInputs.W2, generatedInputs.B2,
            generatedInputs.Images, generatedInputs.Labels, generatedInputs.DW1, generatedInputs.DB1, generatedInputs.DW2, generatedInputs.DB2);
        float handLoss = new HandWrittenMnistStep().LossGradient(handInputs);
        double worst = Math.Abs(generatedLoss - handLoss) / Math.Max(1e-6, Math.Abs(handLoss));
        foreach ((Tensor g, Tensor h) in new[]
            { (generatedInputs.DW1, handInputs.DW1), (generatedInputs.DB1, handInputs.DB1), (generatedInputs.DW2, handInputs.DW2), (generatedInputs.DB2, handInputs.DB2) })
        {
            worst = Math.Max(worst, LargestDifference(g, h, out _));
        }
        bool ok = worst <= 1e-4;
        output.WriteLine($"{(ok ? "ok  " : "FAIL")} MNIST step (784-512-10, batch 128): largest relative difference {worst:E2}");
        return ok;
    }

    /// <summary>
    /// OpenBLAS's cblas_sgemm against <see cref="AutoDiffGen.Tensors.Gemm"/> on the MNIST forward product and the two
    /// gradient products (one per transposed form, those accumulating into C), so a wrong transpose flag or leading
    /// dimension in <see cref="OpenBlas"/> cannot pass for a fast product. Float sums in a different order: a float
    /// tolerance, 1e-5 relative to the largest entry.
    /// </summary>
    private static bool CheckOpenBlas(TextWriter output)
    {
        if (!OpenBlas.TryLoad(out string? failure))
        {
            output.WriteLine($"skip OpenBLAS: {failure}; its benchmarks will fail in their setup");
            return true;
        }
        output.WriteLine($"  {OpenBlas.Configuration}, {OpenBlas.Threads} threads");
        var random = new Random(11);
        Tensor images = GemmBenchmarks.RandomMatrix(random, 128, 784);
        Tensor w1 = GemmBenchmarks.RandomMatrix(random, 784, 512);
        Tensor dHidden = GemmBenchmarks.RandomMatrix(random, 128, 512);
        Tensor dLogits = GemmBenchmarks.RandomMatrix(random, 128, 10);
        Tensor w2 = GemmBenchmarks.RandomMatrix(random, 512, 10);
        // The accumulating products start from the same non-zero C in both, so beta = 1 is checked too.
        Tensor dW1Start = GemmBenchmarks.RandomMatrix(random, 784, 512);
        Tensor dHiddenStart = GemmBenchmarks.RandomMatrix(random, 128, 512);
        bool ok = true;
        ok &= CompareProducts(output, "AB  hidden = X·W1 (128×784 · 784×512)", Tensor.Zeros(128, 512),
            c => Gemm.AB(images, w1, c, accumulate: false), c => OpenBlas.AB(images, w1, c, accumulate: false));
        ok &= CompareProducts(output, "AtB dW1 += Xᵀ·dH ((128×784)ᵀ · 128×512)", dW1Start,
            c => Gemm.AtB(images, dHidden, c, accumulate: true), c => OpenBlas.AtB(images, dHidden, c, accumulate: true));
        ok &= CompareProducts(output, "ABt dH += dY·W2ᵀ (128×10 · (512×10)ᵀ)", dHiddenStart,
            c => Gemm.ABt(dLogits, w2, c, accumulate: true), c => OpenBlas.ABt(dLogits, w2, c, accumulate: true));
        return ok;
    }

    /// <summary>
    /// The largest |actual − expected| over the elements, relative to the largest |expected| (<paramref name="scale"/>);
    /// infinite when a difference is NaN.
    /// </summary>
    private static double LargestDifference(Tensor actual, Tensor expected, out double scale)
    {
        scale = 1e-12;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(actual[i] - expected[i]) / scale;
            worst = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(worst, difference);
        }
        return worst;
    }

    private static bool CompareProducts(TextWriter output, string name, Tensor start, Action<Tensor> managed, Action<Tensor> openBlas)
    {
        Tensor expected = start.Clone();
        Tensor actual = start.Clone();
        managed(expected);
        openBlas(actual);
        double worst = LargestDifference(actual, expected, out double scale);
        bool ok = worst <= 1e-5;
        output.WriteLine($"{(ok ? "ok  " : "FAIL")} OpenBLAS {name}: largest difference from Gemm {worst:E2} of the largest entry {scale:G4}");
        return ok;
    }

    /// <summary>Central differences for the parameters in <paramref name="indices"/>; NaN for the others.</summary>
    private static double[] FiniteDifferences(Func<int, double> get, Action<int, double> set, int[] indices, Func<double> f, int count)
    {
        var result = Enumerable.Repeat(double.NaN, count).ToArray();
        foreach (int i in indices)
        {
            double original = get(i);
            double h = 1e-6 * Math.Max(1, Math.Abs(original));
            set(i, original + h);
            double plus = f();
            set(i, original - h);
            double minus = f();
            set(i, original);
            result[i] = (plus - minus) / (2 * h);
        }
        return result;
    }

    /// <summary>
    /// Component i passes when |g_i − h_i| ≤ 1e-9 · max(|g_i|, |h_i|, 1e-3 · ‖h‖∞): relative, except that a component
    /// a thousand times smaller than the largest one is compared at that scale instead of its own.
    /// </summary>
    private static bool Report(TextWriter output, string name, double primal, double generatedValue, double handValue,
        double[] generated, double[] hand, double[] finite)
    {
        double scale = hand.Max(Math.Abs);
        double worstRelative = 0, worstScaled = 0, worstFinite = 0;
        int worstIndex = -1;
        bool ok = generated.Length == hand.Length;
        for (int i = 0; i < hand.Length; i++)
        {
            double difference = Math.Abs(generated[i] - hand[i]);
            double relative = difference == 0 ? 0 : difference / Math.Max(Math.Abs(generated[i]), Math.Abs(hand[i]));
            double scaled = difference == 0 ? 0 : difference / Math.Max(Math.Max(Math.Abs(generated[i]), Math.Abs(hand[i])), 1e-3 * scale);
            if (relative > worstRelative)
            {
                worstRelative = relative;
            }
            if (scaled > worstScaled)
            {
                worstScaled = scaled;
                worstIndex = i;
            }
            if (!double.IsNaN(finite[i]))
            {
                worstFinite = Math.Max(worstFinite, Math.Abs(finite[i] - hand[i]) / Math.Max(Math.Abs(hand[i]), 1e-3 * scale));
            }
            ok &= double.IsFinite(generated[i]) && scaled <= RelativeTolerance;
        }
        double valueError = RelativeDifference(generatedValue, primal) + RelativeDifference(handValue, primal);
        ok &= valueError <= RelativeTolerance;
        // Finite differences are only a sanity check of the hand-written formulas; they are good to about 1e-6.
        bool finiteOk = worstFinite <= 1e-5;
        ok &= finiteOk;
        output.WriteLine(
            $"{(ok ? "PASS" : "FAIL")} {name}: {hand.Length} components, value {primal:R}; " +
            $"max relative diff {worstRelative:E2}, max scaled diff {worstScaled:E2}" + (worstIndex >= 0 ? $" (component {worstIndex})" : string.Empty) +
            $"; values differ by {valueError:E2}; hand-written vs central differences {worstFinite:E2}{(finiteOk ? string.Empty : " (TOO LARGE)")}");
        return ok;
    }

    private static double RelativeDifference(double a, double b) => a == b ? 0 : Math.Abs(a - b) / Math.Max(Math.Abs(a), Math.Abs(b));

    private static bool CheckGenerator(TextWriter output)
    {
        var workload = new GeneratorWorkload();
        bool ok = true;

        Stopwatch watch = Stopwatch.StartNew();
        GeneratorDriver first = GeneratorWorkload.CreateDriver().RunGenerators(workload.Compilation);
        double firstMs = watch.Elapsed.TotalMilliseconds;
        GeneratorRunResult firstResult = first.GetRunResult().Results.Single();
        ok &= Summarize(output, "first run", firstResult, firstMs, expectNew: GeneratorWorkload.MethodCount, expectModified: 0);

        Compilation edited = workload.Edit(workload.Compilation);
        watch.Restart();
        GeneratorDriver second = first.RunGenerators(edited);
        double rerunMs = watch.Elapsed.TotalMilliseconds;
        GeneratorRunResult secondResult = second.GetRunResult().Results.Single();
        ok &= Summarize(output, "rerun after edit", secondResult, rerunMs, expectNew: 0, expectModified: 1);

        string[] changed = EmitOutputs(secondResult)
            .Where(o => o.Reason is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified)
            .Select(o => o.Value is GeneratedFile file ? file.MethodName : o.Value?.ToString() ?? "?")
            .ToArray();
        bool rightMethod = changed.Length == 1 && changed[0] == GeneratorWorkload.EditedMethodName;
        output.WriteLine($"  re-emitted: [{string.Join(", ", changed)}], expected [{GeneratorWorkload.EditedMethodName}] -> {(rightMethod ? "OK" : "WRONG")}");
        ok &= rightMethod;

        // The edited file's text changed, so its generated file must differ; every other file must be identical.
        var before = firstResult.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        var after = secondResult.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        string[] differentTexts = after.Where(pair => !before.TryGetValue(pair.Key, out string? old) || old != pair.Value).Select(pair => pair.Key).ToArray();
        output.WriteLine($"  generated files whose text changed: [{string.Join(", ", differentTexts)}]");
        ok &= differentTexts.Length == 1 && before.Count == after.Count;

        // The generated code must compile with the workload, before and after the edit.
        ok &= CompilesCleanly(output, "first run", GeneratorWorkload.CreateDriver(), workload.Compilation);
        ok &= CompilesCleanly(output, "after edit", first, edited);
        output.WriteLine($"  single timings (Stopwatch, cold JIT, see the benchmark for steady state): first run {firstMs:F0} ms, rerun {rerunMs:F1} ms");

        // A quick warm estimate (the benchmark is the real measurement): best of a few reruns, and Roslyn's binding alone.
        double bestRerun = double.MaxValue, bestBind = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            watch.Restart();
            first.RunGenerators(workload.Edit(workload.Compilation));
            bestRerun = Math.Min(bestRerun, watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            GeneratorWorkload.BindAttributedBodies(workload.Edit(workload.Compilation));
            bestBind = Math.Min(bestBind, watch.Elapsed.TotalMilliseconds);
        }
        output.WriteLine($"  warm (best of 5): rerun after edit {bestRerun:F0} ms (goal < 200 ms: {(bestRerun < 200 ? "met" : "MISSED")}); " +
            $"Roslyn binding the {GeneratorWorkload.MethodCount} bodies alone {bestBind:F0} ms");
        return ok;
    }

    private static IEnumerable<(object Value, IncrementalStepRunReason Reason)> EmitOutputs(GeneratorRunResult result) =>
        result.TrackedSteps.TryGetValue(TrackingNames.Emit, out ImmutableArray<IncrementalGeneratorRunStep> steps)
            ? steps.SelectMany(step => step.Outputs)
            : [];

    private static bool Summarize(TextWriter output, string label, GeneratorRunResult result, double ms, int expectNew, int expectModified)
    {
        var reasons = EmitOutputs(result).GroupBy(o => o.Reason).ToDictionary(g => g.Key, g => g.Count());
        int count(IncrementalStepRunReason reason) => reasons.TryGetValue(reason, out int n) ? n : 0;
        int changed = count(IncrementalStepRunReason.New) + count(IncrementalStepRunReason.Modified);
        int reused = count(IncrementalStepRunReason.Cached) + count(IncrementalStepRunReason.Unchanged);
        bool ok = count(IncrementalStepRunReason.New) == expectNew && count(IncrementalStepRunReason.Modified) == expectModified &&
            changed + reused == GeneratorWorkload.MethodCount && result.Exception is null && result.Diagnostics.IsEmpty &&
            result.GeneratedSources.Length == GeneratorWorkload.MethodCount;
        output.WriteLine(
            $"{(ok ? "PASS" : "FAIL")} {label}: Emit outputs New={count(IncrementalStepRunReason.New)} Modified={count(IncrementalStepRunReason.Modified)} " +
            $"Cached={count(IncrementalStepRunReason.Cached)} Unchanged={count(IncrementalStepRunReason.Unchanged)} Removed={count(IncrementalStepRunReason.Removed)}; " +
            $"{result.GeneratedSources.Length} generated files, {result.Diagnostics.Length} diagnostics{(result.Exception is null ? string.Empty : ", exception " + result.Exception.Message)} ({ms:F0} ms)");
        foreach (string step in TrackingNames.All)
        {
            if (result.TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> runs))
            {
                var byReason = runs.SelectMany(run => run.Outputs).GroupBy(o => o.Reason).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}");
                output.WriteLine($"    step {step}: {runs.Length} runs, outputs {string.Join(" ", byReason)}, {runs.Sum(run => run.ElapsedTime.TotalMilliseconds):F1} ms");
            }
        }
        foreach (Diagnostic diagnostic in result.Diagnostics.Take(10))
        {
            output.WriteLine($"    {diagnostic}");
        }
        return ok;
    }

    private static bool CompilesCleanly(TextWriter output, string label, GeneratorDriver driver, Compilation compilation)
    {
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation updated, out _);
        Diagnostic[] problems = updated.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        output.WriteLine($"  {label}: workload + generated code compile with {problems.Length} errors/warnings");
        foreach (Diagnostic problem in problems.Take(10))
        {
            output.WriteLine($"    {problem}");
        }
        return problems.Length == 0;
    }
}
