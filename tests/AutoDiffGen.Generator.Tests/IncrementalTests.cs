using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Tests;

/// <summary>The incremental pipeline caches what it should: its models are plain values, and edits redo only what they touch.</summary>
public class IncrementalTests
{
    private const string Model = """
        using System;
        using AutoDiffGen;
        public static partial class Losses
        {
            [Differentiable]
            public static double Mse(double w, double b, [NoDerivative] double[] x, [NoDerivative] double[] y)
            {
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double error = w * x[i] + b - y[i];
                    sum += error * error;
                }
                return sum / x.Length;
            }

            [Differentiable]
            public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
        }
        """;

    private const string Unrelated = """
        public static class Unrelated
        {
            public static int Answer() => 42;
        }
        """;

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRun run, string step) =>
        run.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void Editing_an_unrelated_file_leaves_every_step_cached()
    {
        GeneratorRun first = GeneratorHarness.Run(Model, Unrelated);
        GeneratorRun second = first.RerunWith(tree: 1, newText: Unrelated + "\n// edit\npublic static class More { }\n");

        foreach (string step in TrackingNames.All)
        {
            Assert.All(Reasons(second, step), reason =>
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {reason}"));
        }
        Assert.Equal(first.HintNames.OrderBy(n => n), second.HintNames.OrderBy(n => n));
    }

    [Fact]
    public void Moving_a_method_re_reports_diagnostics_but_does_not_regenerate_code()
    {
        GeneratorRun first = GeneratorHarness.Run(Model);
        GeneratorRun second = first.RerunWith(tree: 0, newText: "\n\n// a comment that moves everything down\n" + Model);

        Assert.All(Reasons(second, TrackingNames.Methods), reason =>
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));
        Assert.All(Reasons(second, TrackingNames.Emit), reason =>
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));
    }

    [Fact]
    public void Editing_one_body_regenerates_only_that_method()
    {
        GeneratorRun first = GeneratorHarness.Run(Model);
        GeneratorRun second = first.RerunWith(tree: 0, newText: Model.Replace("Math.Log(1 + Math.Exp(x))", "Math.Log(2 + Math.Exp(x))", StringComparison.Ordinal));

        IncrementalStepRunReason[] emit = Reasons(second, TrackingNames.Emit).ToArray();
        Assert.Equal(2, emit.Length);
        Assert.Equal(1, emit.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, emit.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains("2.0 + ", second.GeneratedSource("Losses.Softplus.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_models_hold_no_roslyn_objects()
    {
        GeneratorRun run = GeneratorHarness.Run(Model, """
            using AutoDiffGen;
            public partial class Broken { [Differentiable] public double F(double x) => x; }
            """);
        Assert.NotEmpty(run.GeneratorDiagnostics); // the second source makes Parse carry diagnostics too

        foreach (string step in TrackingNames.All)
        {
            foreach (object? value in run.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Value))
            {
                AssertHoldsNoRoslynObjects(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static readonly Type[] s_forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(SemanticModel), typeof(Location), typeof(SyntaxTree)];

    private static void AssertHoldsNoRoslynObjects(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }
        Type type = value.GetType();
        Assert.False(s_forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} holds a {type.Name}");
        if (value is DiagnosticDescriptor)
        {
            return; // static, immutable descriptors are fine
        }
        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (object? item in sequence)
            {
                AssertHoldsNoRoslynObjects(item, $"{path}[{i++}]", seen);
            }
        }
        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertHoldsNoRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", seen);
        }
    }
}
