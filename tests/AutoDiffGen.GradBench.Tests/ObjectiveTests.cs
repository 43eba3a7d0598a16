using System;
using AutoDiffGen.GradBench.Evals;
using AutoDiffGen.GradBench.Report;

namespace AutoDiffGen.GradBench.Tests;

/// <summary>
/// Checks beyond GradBench's saved references: the generated gradients against central differences on generated
/// workloads of other sizes, and the agreement of the two ode methods.
/// </summary>
public sealed class ObjectiveTests
{
    /// <summary>Central differences of <paramref name="f"/> at each coordinate in <paramref name="indices"/> of <paramref name="x"/>.</summary>
    private static void AssertMatchesCentralDifferences(double[] x, ReadOnlySpan<double> gradient, Func<double> f, params int[] indices)
    {
        foreach (int i in indices)
        {
            double saved = x[i];
            double step = 1e-6 * Math.Max(1, Math.Abs(saved));
            x[i] = saved + step;
            double up = f();
            x[i] = saved - step;
            double down = f();
            x[i] = saved;
            double difference = (up - down) / (2 * step);
            Assert.True(Math.Abs(difference - gradient[i]) <= 1e-5 * Math.Max(1, Math.Abs(difference)),
                $"coordinate {i}: generated {gradient[i]:R}, central difference {difference:R}");
        }
    }

    [Fact]
    public void The_gmm_gradient_matches_central_differences_on_a_generated_workload()
    {
        GmmModule.GmmInput input = WorkloadGenerator.Gmm(d: 4, k: 3, n: 25, seed: 5) with { WishartM = 2, WishartGamma = 0.7 };
        double[] dAlpha = new double[input.Alpha.Length];
        double[] dMu = new double[input.Mu.Length];
        double[] dQ = new double[input.Q.Length];
        double[] dL = new double[input.L.Length];

        double value = GmmObjective.LogPosteriorGradient(
            input.Alpha, input.Mu, input.Q, input.L, input.X, input.D, input.K, input.N, input.WishartM, input.WishartGamma, dAlpha, dMu, dQ, dL);

        Assert.Equal(input.Objective(), value, 10);
        AssertMatchesCentralDifferences(input.Alpha, dAlpha, input.Objective, 0, 1, 2);
        AssertMatchesCentralDifferences(input.Mu, dMu, input.Objective, 0, 5, 11);
        AssertMatchesCentralDifferences(input.Q, dQ, input.Objective, 0, 6, 11);
        AssertMatchesCentralDifferences(input.L, dL, input.Objective, 0, 7, 17);
    }

    [Fact]
    public void The_lstm_gradient_matches_central_differences_on_a_generated_workload()
    {
        LstmModule.LstmInput input = WorkloadGenerator.Lstm(layers: 3, characters: 12, bits: 5, seed: 9);
        double[] dMain = new double[input.MainParams.Length];
        double[] dExtra = new double[input.ExtraParams.Length];
        double[] stateBefore = (double[])input.State.Clone();

        double value = LstmObjective.LossGradient(
            input.MainParams, input.ExtraParams, input.State, input.Sequence, input.Layers, input.Bits, input.Characters, dMain, dExtra);

        Assert.Equal(input.Objective(), value, 12);
        Assert.Equal(stateBefore, input.State);
        AssertMatchesCentralDifferences(input.MainParams, dMain, input.Objective, 0, 9, 47, 80, 119);
        AssertMatchesCentralDifferences(input.ExtraParams, dExtra, input.Objective, 0, 6, 14);
    }

    [Fact]
    public void The_differentiated_ode_method_returns_the_last_element_of_the_solution()
    {
        double[] x = [0.3, 0.9, 0.5, 0.2, 0.8, 0.1];

        double[] solution = OdeObjective.Solve(x, steps: 7);

        Assert.Equal(solution[^1], OdeObjective.LastOutput(x, steps: 7), 15);
        Assert.NotEqual(0, solution[^1]);
    }

    [Fact]
    public void The_determinant_gradient_is_the_cofactor_matrix_also_when_rows_are_swapped()
    {
        // The first pivot is the 3 below the diagonal, so elimination swaps rows; det = 1·4 − 2·3 = −2.
        double[] a = [1, 2, 3, 4];
        double[] gradient = new double[4];

        double determinant = DetObjective.DeterminantGradient(a, 2, gradient);

        Assert.Equal(-2, determinant, 12);
        Assert.Equal([4, -3, -2, 1], gradient, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Log_gamma_matches_known_values()
    {
        Assert.Equal(0, SpecialFunctions.LogGamma(1), 13);
        Assert.Equal(0, SpecialFunctions.LogGamma(2), 13);
        Assert.Equal(Math.Log(Math.Sqrt(Math.PI)), SpecialFunctions.LogGamma(0.5), 13);
        Assert.Equal(Math.Log(362880), SpecialFunctions.LogGamma(10), 12);
        Assert.Equal(1.2880225246980774, SpecialFunctions.LogGamma(0.25), 13); // below ½, through Γ(x) = Γ(x + 1) / x
    }

    [Fact]
    public void Generated_workloads_have_the_shapes_of_GradBench_inputs()
    {
        GmmModule.GmmInput gmm = WorkloadGenerator.Gmm(d: 5, k: 3, n: 7, seed: 1);
        LstmModule.LstmInput lstm = WorkloadGenerator.Lstm(layers: 2, characters: 6, bits: 4, seed: 1);

        Assert.Equal((3, 15, 15, 30, 35), (gmm.Alpha.Length, gmm.Mu.Length, gmm.Q.Length, gmm.L.Length, gmm.X.Length));
        Assert.Equal((64, 12, 16, 24), (lstm.MainParams.Length, lstm.ExtraParams.Length, lstm.State.Length, lstm.Sequence.Length));
        Assert.Equal(gmm.Alpha, WorkloadGenerator.Gmm(d: 5, k: 3, n: 7, seed: 1).Alpha);
    }

    /// <summary>Compares doubles up to an absolute tolerance.</summary>
    private sealed class ToleranceComparer(double tolerance) : System.Collections.Generic.IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
