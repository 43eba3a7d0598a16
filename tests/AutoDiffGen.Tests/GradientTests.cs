using System;
using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Tests.Library;
using CsCheck;

namespace AutoDiffGen.Tests;

/// <summary>
/// Property tests: at random points, every generated gradient matches central finite differences, and every
/// pullback adds seed × gradient into the adjoints it is given.
/// </summary>
public class GradientTests
{
    /// <summary>A function of a flat argument vector, its generated gradient, and where to sample it.</summary>
    public sealed record Case(Gen<double[]> Domain, Func<double[], double> Value, Func<double[], double[]> Gradient, double Tolerance = 1e-6);

    private static Gen<double[]> Uniform(int count, double low, double high) => Gen.Double[low, high].Array[count];

    private static double[] Slice(double[] x, int start, int count) => x.Skip(start).Take(count).ToArray();

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        ["Arithmetic"] = new(Uniform(2, 0.5, 3), x => Functions.Arithmetic(x[0], x[1]),
            x => { Functions.ArithmeticGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["CompoundAssignments"] = new(Uniform(2, -2, 2), x => Functions.CompoundAssignments(x[0], x[1]),
            x => { Functions.CompoundAssignmentsGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["Constants"] = new(Uniform(2, -2, 2), x => Functions.Constants(x[0], x[1]),
            x => { Functions.ConstantsGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["VarAndIntCast"] = new(Uniform(2, 0.05, 0.3), x => Functions.VarAndIntCast(x[0], x[1]),
            x => { Functions.VarAndIntCastGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["Trigonometric"] = new(Uniform(2, -1.5, 1.5), x => Functions.Trigonometric(x[0], x[1]),
            x => { Functions.TrigonometricGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["InverseTrigonometric"] = new(Uniform(1, -1.5, 1.5), x => Functions.InverseTrigonometric(x[0]),
            x => { Functions.InverseTrigonometricGradient(x[0], out double dx); return [dx]; }),
        ["Hyperbolic"] = new(Uniform(2, -1.5, 1.5), x => Functions.Hyperbolic(x[0], x[1]),
            x => { Functions.HyperbolicGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["ExpAndLogs"] = new(Uniform(2, 0.2, 3), x => Functions.ExpAndLogs(x[0], x[1]),
            x => { Functions.ExpAndLogsGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["Roots"] = new(Uniform(1, 0.1, 4), x => Functions.Roots(x[0]),
            x => { Functions.RootsGradient(x[0], out double dx); return [dx]; }),
        ["Power"] = new(Uniform(2, 0.2, 2.5), x => Functions.Power(x[0], x[1]),
            x => { Functions.PowerGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["Piecewise"] = new(Uniform(2, -2, 2).Where(x => Math.Abs(x[0] - x[1]) > 1e-3 && Math.Abs(x[0] * x[1] - 1) > 1e-3 && Math.Abs(Math.Abs(x[0]) - 0.5) > 1e-3),
            x => Functions.Piecewise(x[0], x[1]),
            x => { Functions.PiecewiseGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["StepFunctions"] = new(Uniform(2, -2, 2).Where(x => Math.Abs(x[0] - Math.Round(x[0]) - 0.5 * Math.Sign(x[0] - Math.Round(x[0]))) > 1e-3 && Math.Abs(x[1] - Math.Round(x[1])) > 1e-3 && Math.Abs(x[0]) > 1e-3),
            x => Functions.StepFunctions(x[0], x[1]),
            x => { Functions.StepFunctionsGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["GenericMathNames"] = new(Uniform(1, -2, 2), x => Functions.GenericMathNames(x[0]),
            x => { Functions.GenericMathNamesGradient(x[0], out double dx); return [dx]; }),
        ["StaticFields"] = new(Uniform(1, -2, 2), x => Functions.StaticFields(x[0]),
            x => { Functions.StaticFieldsGradient(x[0], out double dx); return [dx]; }),
        ["ConstantCalls"] = new(Uniform(1, -2, 2), x => Functions.ConstantCalls(x[0], 3, [1, 4, 2]),
            x => { Functions.ConstantCallsGradient(x[0], 3, [1, 4, 2], out double dx); return [dx]; }),
        ["ReassignedLocals"] = new(Uniform(2, -1, 1), x => Functions.ReassignedLocals(x[0], x[1]),
            x => { Functions.ReassignedLocalsGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["IfElse"] = new(Uniform(2, -2, 2).Where(x => Math.Abs(x[0] - x[1]) > 1e-3 && Math.Abs(x[0]) > 1e-3 && Math.Abs(x[1]) > 1e-3 && Math.Abs(Functions.IfElse(x[0], x[1]) - 1) > 1e-2),
            x => Functions.IfElse(x[0], x[1]),
            x => { Functions.IfElseGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["Ternary"] = new(Uniform(2, -2, 3).Where(x => Math.Abs(x[0] - x[1]) > 1e-3 && Math.Abs(x[1] - 1) > 1e-3),
            x => Functions.Ternary(x[0], x[1]),
            x => { Functions.TernaryGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["EarlyReturns"] = new(Uniform(2, -2, 3).Where(x => Math.Abs(x[0]) > 1e-3 && Math.Abs(x[0] + x[1] - 3) > 1e-3),
            x => Functions.EarlyReturns(x[0], x[1]),
            x => { Functions.EarlyReturnsGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["ParameterReassigned"] = new(Uniform(2, -2, 2), x => Functions.ParameterReassigned(x[0], x[1]),
            x => { Functions.ParameterReassignedGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["SumOfSquares"] = new(Uniform(5, -2, 2), x => Functions.SumOfSquares(x),
            x => { var d = new double[x.Length]; Functions.SumOfSquaresGradient(x, d); return d; }),
        ["Horner"] = new(Uniform(5, -1.5, 1.5), x => Functions.Horner(x[0], Slice(x, 1, 4)),
            x => { var dc = new double[4]; Functions.HornerGradient(x[0], Slice(x, 1, 4), out double dx, dc); return [dx, .. dc]; }),
        ["QuadraticForm"] = new(Uniform(12, -1, 1), x => Functions.QuadraticForm(Slice(x, 0, 9), Slice(x, 9, 3)),
            x => { var da = new double[9]; var dv = new double[3]; Functions.QuadraticFormGradient(Slice(x, 0, 9), Slice(x, 9, 3), da, dv); return [.. da, .. dv]; }),
        ["ForEachProduct"] = new(Uniform(4, -2, 2), x => Functions.ForEachProduct(x),
            x => { var d = new double[x.Length]; Functions.ForEachProductGradient(x, d); return d; }),
        ["WhileNewton"] = new(Uniform(1, 0.5, 10), x => Functions.WhileNewton(x[0]),
            x => { Functions.WhileNewtonGradient(x[0], out double d); return [d]; }),
        ["DoWhileGrowth"] = new(Uniform(1, 0.1, 3).Where(x => Math.Abs(Functions.DoWhileGrowth(x[0] + 1e-5) - Functions.DoWhileGrowth(x[0] - 1e-5)) < 1),
            x => Functions.DoWhileGrowth(x[0]),
            x => { Functions.DoWhileGrowthGradient(x[0], out double d); return [d]; }, 1e-5),
        ["BreakAndContinue"] = new(Uniform(6, -1, 2).Where(x => x.Take(5).All(v => Math.Abs(v) > 1e-3) && Math.Abs(Functions.BreakAndContinue(Slice(x, 0, 5), x[5] + 1e-5) - Functions.BreakAndContinue(Slice(x, 0, 5), x[5] - 1e-5)) < 0.1),
            x => Functions.BreakAndContinue(Slice(x, 0, 5), x[5]),
            x => { var dv = new double[5]; Functions.BreakAndContinueGradient(Slice(x, 0, 5), x[5], dv, out double dt); return [.. dv, dt]; }, 1e-5),
        ["AccumulatorReadBeforeAndAfterLoops"] = new(Uniform(4, -1, 1), x => Functions.AccumulatorReadBeforeAndAfterLoops(Slice(x, 0, 3), x[3], [0.5, -2]),
            x => { var dv = new double[3]; Functions.AccumulatorReadBeforeAndAfterLoopsGradient(Slice(x, 0, 3), x[3], [0.5, -2], dv, out double dx); return [.. dv, dx]; }),
        ["TriangularTransform"] = new(Uniform(10, -1, 1), x => Functions.TriangularTransform(Slice(x, 0, 6), Slice(x, 6, 4)),
            x => { var dl = new double[6]; var dv = new double[4]; Functions.TriangularTransformGradient(Slice(x, 0, 6), Slice(x, 6, 4), dl, dv); return [.. dl, .. dv]; }),
        ["StridedWhile"] = new(Uniform(8, -1, 1), x => Functions.StridedWhile(Slice(x, 0, 7), x[7]),
            x => { var dv = new double[7]; Functions.StridedWhileGradient(Slice(x, 0, 7), x[7], dv, out double dx); return [.. dv, dx]; }),
        ["DescendingLoop"] = new(Uniform(5, -1, 1), x => Functions.DescendingLoop(x),
            x => { var d = new double[x.Length]; Functions.DescendingLoopGradient(x, d); return d; }),
        ["LoopWithReturn"] = new(Uniform(5, -6, 6).Where(x => Math.Abs(Math.Abs(Functions.LoopWithReturn(Slice(x, 0, 4), x[4])) - 1) > 0.01),
            x => Functions.LoopWithReturn(Slice(x, 0, 4), x[4]),
            x => { var dv = new double[4]; Functions.LoopWithReturnGradient(Slice(x, 0, 4), x[4], dv, out double dx); return [.. dv, dx]; }),
        ["LocalArrays"] = new(Uniform(5, -1, 1), x => Functions.LocalArrays(x),
            x => { var d = new double[x.Length]; Functions.LocalArraysGradient(x, d); return d; }),
        ["NoDerivativeData"] = new(Uniform(2, -1, 1), x => Functions.NoDerivativeData(x[0], x[1], [0.1, 0.3, 0.6, 0.7], [0.2, 0.25, 0.4, 0.7]),
            x => { Functions.NoDerivativeDataGradient(x[0], x[1], [0.1, 0.3, 0.6, 0.7], [0.2, 0.25, 0.4, 0.7], out double dw, out double db); return [dw, db]; }),
        ["IntParameter"] = new(Uniform(1, -2, 2), x => Functions.IntParameter(x[0], 5),
            x => { Functions.IntParameterGradient(x[0], 5, out double dx); return [dx]; }),
        ["CallsInSameClass"] = new(Uniform(2, -1, 1), x => Functions.CallsInSameClass(x[0], x[1]),
            x => { Functions.CallsInSameClassGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["CallsInLoop"] = new(Uniform(5, -1, 1), x => Functions.CallsInLoop(Slice(x, 0, 4), x[4]),
            x => { var dv = new double[4]; Functions.CallsInLoopGradient(Slice(x, 0, 4), x[4], dv, out double dx); return [.. dv, dx]; }),
        ["CallsAcrossAssemblies"] = new(Uniform(5, 0.2, 2), x => Functions.CallsAcrossAssemblies(x[0], x[1], Slice(x, 2, 3)),
            x => { var dv = new double[3]; Functions.CallsAcrossAssembliesGradient(x[0], x[1], Slice(x, 2, 3), out double dx, out double dy, dv); return [dx, dy, .. dv]; }),
        ["CallsWithConstantArray"] = new(Uniform(1, -2, 2), x => Functions.CallsWithConstantArray(x[0], [1, 2, 3]),
            x => { Functions.CallsWithConstantArrayGradient(x[0], [1, 2, 3], out double dx); return [dx]; }),
        ["Softplus"] = new(Uniform(1, -5, 5), x => Helpers.Softplus(x[0]),
            x => { Helpers.SoftplusGradient(x[0], out double dx); return [dx]; }),
        ["CustomDerivatives"] = new(Uniform(4, -1, 1), x => Primitives.Model(Slice(x, 0, 3), [0.5, -1, 2], x[3]),
            x => { var dw = new double[3]; Primitives.ModelGradient(Slice(x, 0, 3), [0.5, -1, 2], x[3], dw, out double db); return [.. dw, db]; }),
        ["CallerRegisteredDerivative"] = new(Uniform(1, -2, 2), x => CallerRegistered.TimesEight(x[0]),
            x => { CallerRegistered.TimesEightGradient(x[0], out double dx); return [dx]; }),
        ["FusedRootMeanSquare"] = new(Uniform(2, -1, 1).Where(x => Math.Abs(x[0]) + Math.Abs(x[1]) > 0.05), x => Accumulations.RootMeanSquare(x[0], x[1], [0.1, -0.4, 0.7, 1.3]),
            x => { Accumulations.RootMeanSquareGradient(x[0], x[1], [0.1, -0.4, 0.7, 1.3], out double dw, out double db); return [dw, db]; }),
        ["FusedLogisticLoss"] = new(Uniform(2, -2, 2), x => Accumulations.LogisticLoss(x[0], x[1], [0.5, -1, 2, 0.1], [1, -1, -1, 1]),
            x => { Accumulations.LogisticLossGradient(x[0], x[1], [0.5, -1, 2, 0.1], [1, -1, -1, 1], out double dw, out double db); return [dw, db]; }),
        // Finite differences of a float function are too coarse; the reference is the same sum evaluated in double.
        ["FusedFloatSum"] = new(Gen.Float[-1, 1].Select(v => new[] { (double)v }), x => Math.Tanh(0.5 * x[0]) + Math.Tanh(-x[0]) + Math.Tanh(2 * x[0]),
            x => { Accumulations.FloatSumGradient((float)x[0], [0.5f, -1f, 2f], out float ds); return [ds]; }, 1e-5),
        ["AllMathDouble"] = new(Uniform(2, -1, 1).Where(x => Math.Abs(x[0] - x[1]) > 1e-3 && Math.Abs(x[0]) > 1e-3 && Math.Abs(Math.Abs(x[0]) - 0.5) > 1e-3 && Math.Abs(x[1] - Math.Round(x[1])) > 1e-3),
            x => Functions.AllMathDouble(x[0], x[1]),
            x => { Functions.AllMathDoubleGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
        ["Hypot"] = new(Uniform(2, 0.2, 2), x => Geometry.Hypot(x[0], x[1]),
            x => { Geometry.HypotGradient(x[0], x[1], out double dx, out double dy); return [dx, dy]; }),
    };

    public static TheoryData<string> CaseNames => new(s_cases.Keys.OrderBy(k => k, StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Generated_gradient_matches_finite_differences_at_random_points(string name)
    {
        Case c = s_cases[name];
        c.Domain.Sample(x => FiniteDifferences.AssertGradient(c.Value, c.Gradient(x), x, c.Tolerance), iter: 60, seed: "0000N1TXGXJ0");
    }

    [Fact]
    public void Gradient_returns_the_value_of_the_function()
    {
        double[] v = [0.3, -0.7, 1.1];
        Assert.Equal(Functions.SumOfSquares(v), Functions.SumOfSquaresGradient(v, new double[3]));
        Assert.Equal(Functions.EarlyReturns(0.5, 0.25), Functions.EarlyReturnsGradient(0.5, 0.25, out _, out _));
        Assert.Equal(Functions.LoopWithReturn([2, 3, 40], 1.5), Functions.LoopWithReturnGradient([2, 3, 40], 1.5, new double[3], out _));
    }

    [Fact]
    public void Cast_through_float_passes_the_derivative_through()
    {
        // (double)(float)(x²)·2 has derivative 4x up to float rounding of the value, not of the derivative.
        Functions.FloatRoundTripGradient(1.25, out double dx);
        Assert.Equal(5.0, dx, 12);
    }

    [Fact]
    public void Float_gradient_matches_finite_differences_in_double()
    {
        Gen.Float[-1, 1].Array[4].Sample(values =>
        {
            float x = values[0];
            float[] w = values.Skip(1).ToArray();
            var dw = new float[3];
            Functions.FloatFunctionGradient(x, w, out float dx, dw);
            double[] point = values.Select(v => (double)v).ToArray();
            // Finite differences on the float function itself are too coarse; compare with a double evaluation of the same formula.
            double Reference(double[] p)
            {
                double s = Math.Sin(p[0]);
                for (int i = 0; i < 3; i++)
                {
                    s += p[i + 1] * Math.Exp(-p[0] * i) + Math.Sqrt(p[i + 1] * p[i + 1] + 1);
                }
                return s * p[0];
            }
            FiniteDifferences.AssertGradient(Reference, [dx, .. dw.Select(v => (double)v)], point, 1e-4);
        }, iter: 60);
    }

    [Fact]
    public void Every_MathF_rule_gives_the_float_gradient_of_its_double_twin()
    {
        Gen.Float[-1, 1].Array[2].Where(v => MathF.Abs(v[0] - v[1]) > 1e-2f && MathF.Abs(v[0]) > 1e-2f &&
            MathF.Abs(MathF.Abs(v[0]) - 0.5f) > 1e-2f && MathF.Abs(v[1] - MathF.Round(v[1])) > 1e-2f).Sample(v =>
        {
            Functions.AllMathFGradient(v[0], v[1], out float dx, out float dy);
            Functions.AllMathDoubleGradient(v[0], v[1], out double expectedX, out double expectedY);
            Assert.Equal(expectedX, dx, 1e-4 * (1 + Math.Abs(expectedX)));
            Assert.Equal(expectedY, dy, 1e-4 * (1 + Math.Abs(expectedY)));
        }, iter: 60);
    }

    [Fact]
    public void Pullback_adds_seed_times_gradient_into_existing_adjoints()
    {
        Gen.Double[-1.5, 1.5].Array[6].Sample(x =>
        {
            double seed = x[5];
            double[] c = Slice(x, 1, 4);
            var gradientC = new double[4];
            Functions.HornerGradient(x[0], c, out double gradientX, gradientC);

            double adjointX = 0.25;
            double[] adjointC = [1, -2, 3, -4];
            Functions.HornerPullback(x[0], c, seed, ref adjointX, adjointC);

            Assert.Equal(0.25 + seed * gradientX, adjointX, 12);
            double[] initial = [1, -2, 3, -4];
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(initial[i] + seed * gradientC[i], adjointC[i], 12);
            }
        }, iter: 40);
    }

    [Fact]
    public void Gradient_overwrites_adjoints_that_hold_old_values()
    {
        double[] v = [0.5, 1.5];
        double[] stale = [100, 200];
        Functions.SumOfSquaresGradient(v, stale);
        Assert.Equal([1.0, 3.0], stale);
    }

    [Fact]
    public void Wrong_adjoint_length_throws_ArgumentException_naming_the_parameter()
    {
        var gradientError = Assert.Throws<ArgumentException>(() => Functions.HornerGradient(1.0, [1, 2, 3], out _, new double[2]));
        Assert.Equal("dC", gradientError.ParamName);
        Assert.Contains("'c'", gradientError.Message, StringComparison.Ordinal);

        double dx = 0;
        var pullbackError = Assert.Throws<ArgumentException>(() => Functions.HornerPullback(1.0, [1, 2, 3], 1.0, ref dx, new double[4]));
        Assert.Equal("dC", pullbackError.ParamName);
    }

    [Fact]
    public void Reverse_mode_agrees_with_the_dot_product_identity_for_a_pullback_seed()
    {
        // For f: Rⁿ → R, the pullback with seed s is s·∇f; check <∇f, v> against the directional finite difference.
        var random = new Random(7);
        double[] x = Enumerable.Range(0, 6).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] v = Enumerable.Range(0, 6).Select(_ => random.NextDouble() - 0.5).ToArray();
        var adjoint = new double[6];
        Functions.DescendingLoopPullback(x, 2.0, adjoint);
        double analytic = adjoint.Zip(v, (a, b) => a * b).Sum() / 2.0;
        const double h = 1e-6;
        double numeric = (Functions.DescendingLoop(x.Zip(v, (a, b) => a + h * b).ToArray()) - Functions.DescendingLoop(x.Zip(v, (a, b) => a - h * b).ToArray())) / (2 * h);
        Assert.Equal(numeric, analytic, 8);
    }
}
