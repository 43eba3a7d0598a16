using System;
using AutoDiffGen.GradBench.Evals;

namespace AutoDiffGen.GradBench.Report;

/// <summary>
/// Generates larger workloads with the shapes and distributions of GradBench's generators, from a seeded
/// <see cref="Random"/> (GradBench draws from NumPy's generators, whose exact streams this does not reproduce).
/// </summary>
internal static class WorkloadGenerator
{
    /// <summary>
    /// A gmm input as GradBench's <c>evals/gmm/run.py</c> makes it: x, α, q and l standard normal, μ uniform on [0, 1),
    /// m = 0 and γ = 1.
    /// </summary>
    public static GmmModule.GmmInput Gmm(int d, int k, int n, int seed)
    {
        var random = new Random(seed);
        double[] x = Normal(random, n * d);
        double[] alpha = Normal(random, k);
        double[] mu = Uniform(random, k * d);
        double[] q = Normal(random, k * d);
        double[] l = Normal(random, k * (d * (d - 1) / 2));
        return new GmmModule.GmmInput(d, k, n, alpha, mu, q, l, x, WishartM: 0, WishartGamma: 1);
    }

    /// <summary>
    /// An lstm input as GradBench's <c>evals/lstm/run.py</c> makes it: parameters and state uniform on [0, 1), and a
    /// sequence of <paramref name="characters"/> characters of <paramref name="bits"/> bits, here random bits in place
    /// of the text's character codes.
    /// </summary>
    public static LstmModule.LstmInput Lstm(int layers, int characters, int bits, int seed)
    {
        var random = new Random(seed);
        double[] state = Uniform(random, 2 * layers * bits);
        double[] main = Uniform(random, 2 * layers * 4 * bits);
        double[] extra = Uniform(random, 3 * bits);
        double[] sequence = new double[characters * bits];
        for (int i = 0; i < sequence.Length; i++)
        {
            sequence[i] = random.Next(2);
        }
        return new LstmModule.LstmInput(layers, bits, characters, main, extra, state, sequence);
    }

    private static double[] Uniform(Random random, int count)
    {
        double[] values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = random.NextDouble();
        }
        return values;
    }

    /// <summary>Standard normal samples by the Box–Muller transform.</summary>
    private static double[] Normal(Random random, int count)
    {
        double[] values = new double[count];
        for (int i = 0; i < count; i += 2)
        {
            double radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            double angle = 2 * Math.PI * random.NextDouble();
            values[i] = radius * Math.Cos(angle);
            if (i + 1 < count)
            {
                values[i + 1] = radius * Math.Sin(angle);
            }
        }
        return values;
    }
}
