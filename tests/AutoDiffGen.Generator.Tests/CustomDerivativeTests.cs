using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Tests;

/// <summary>Hand-written pullbacks registered with [DerivativeOf]: found where documented, checked for their signature.</summary>
public class CustomDerivativeTests
{
    [Fact]
    public void A_registered_pullback_is_called_by_the_generated_reverse_sweep()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System;
            using AutoDiffGen;
            public static partial class Kernels
            {
                public static double Cube(double x) => x * x * x;

                [DerivativeOf(typeof(Kernels), nameof(Cube))]
                public static void CubePullback(double x, double seed, ref double dX) => dX += 3 * x * x * seed;

                [Differentiable]
                public static double F(double x) => 2 * Cube(x);
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assert.Contains("global::Kernels.CubePullback(x, ", run.GeneratedSource("Kernels.F.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_pullback_with_the_wrong_signature_reports_ADG0017_at_the_call()
    {
        var (source, span) = Markup.Parse("""
            using AutoDiffGen;
            public static partial class Kernels
            {
                public static double Cube(double x) => x * x * x;

                [DerivativeOf(typeof(Kernels), nameof(Cube))]
                public static void CubePullback(double x, ref double dX) => dX += 3 * x * x;

                [Differentiable]
                public static double F(double x) => 2 * [|Cube(x)|];
            }
            """);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);
        Assert.Equal("ADG0017", diagnostic.Id);
        Assert.Equal(
            "'Kernels.CubePullback(double, ref double)' is registered as the pullback of 'Kernels.Cube(double)' but its signature is (double, ref double); " +
            "expected static void (double, double seed, ref double dx): the primal parameters, the seed, then one adjoint per differentiable parameter",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(span, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void A_plain_method_called_with_constant_arguments_is_a_constant()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AutoDiffGen;
            public static partial class Kernels
            {
                public static double HalfOf(int p) => 0.5 * p;

                [Differentiable]
                public static double F(double x, int p) => x * HalfOf(p);
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void A_plain_method_called_with_a_value_that_depends_on_a_parameter_reports_ADG0012()
    {
        var (source, span) = Markup.Parse("""
            using AutoDiffGen;
            public static partial class Kernels
            {
                public static double Twice(double v) => 2 * v;

                [Differentiable]
                public static double F(double x, double y)
                {
                    double scaled = x * 3;
                    return y + [|Twice(scaled)|];
                }
            }
            """);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);
        Assert.Equal("ADG0012", diagnostic.Id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void A_primitive_without_a_registered_pullback_reports_ADG0012()
    {
        var (source, span) = Markup.Parse("""
            using AutoDiffGen;
            public static partial class Kernels
            {
                public static double Cube(double x) => x * x * x;

                [Differentiable]
                public static double F(double x) => 2 * [|Cube(x)|];
            }
            """);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);
        Assert.Equal("ADG0012", diagnostic.Id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.StartsWith("'Kernels.Cube(double)' is neither [Differentiable] nor has a known derivative", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
