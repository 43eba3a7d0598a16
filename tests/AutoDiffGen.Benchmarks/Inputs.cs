using System;

namespace AutoDiffGen.Benchmarks;

/// <summary>Deterministic inputs shared by the benchmarks and the correctness checks.</summary>
public static class Inputs
{
    public const int RosenbrockSize = 1000;
    public const int MsePoints = 100_000;
    public const int MixtureComponents = 16;
    public const int MixturePoints = 1000;

    public static double[] RosenbrockPoint()
    {
        var random = new Random(1);
        var x = new double[RosenbrockSize];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = -1.5 + 3 * random.NextDouble();
        }
        return x;
    }

    /// <summary>Points around the line y = 2.5 x − 1, and a (w, b) away from it.</summary>
    public static (double W, double B, double[] X, double[] Y) MseProblem()
    {
        var random = new Random(2);
        var x = new double[MsePoints];
        var y = new double[MsePoints];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = -5 + 10 * random.NextDouble();
            y[i] = 2.5 * x[i] - 1 + (random.NextDouble() - 0.5);
        }
        return (1.7, 0.3, x, y);
    }

    /// <summary>Data drawn from a mixture with spread-out means, and parameters that do not match it exactly.</summary>
    public static (double[] Logits, double[] Means, double[] Data) MixtureProblem()
    {
        var random = new Random(3);
        var logits = new double[MixtureComponents];
        var means = new double[MixtureComponents];
        for (int k = 0; k < MixtureComponents; k++)
        {
            logits[k] = random.NextDouble() - 0.5;
            means[k] = -8 + 16.0 * k / (MixtureComponents - 1) + 0.3 * (random.NextDouble() - 0.5);
        }
        var data = new double[MixturePoints];
        for (int j = 0; j < data.Length; j++)
        {
            int component = random.Next(MixtureComponents);
            // A standard normal by Box–Muller.
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            data[j] = -8 + 16.0 * component / (MixtureComponents - 1) + normal;
        }
        return (logits, means, data);
    }
}
