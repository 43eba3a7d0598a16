using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Tests;

/// <summary>
/// Snapshots of generated source: each case's output is compared with Snapshots/SnapshotTests.Generates.{case}.approved.cs,
/// which is reviewed like code. Every case must also compile without warnings.
/// </summary>
[UseApprovalSubdirectory("Snapshots")]
[UseReporter(typeof(QuietReporter))]
public partial class SnapshotTests
{
    private static readonly Dictionary<string, string> s_sources = new()
    {
        ["Square"] = """
            using AutoDiffGen;
            public static partial class Calculus
            {
                [Differentiable] public static double Square(double x) => x * x;
            }
            """,
        ["Arithmetic"] = """
            using AutoDiffGen;
            public static partial class Calculus
            {
                [Differentiable]
                public static double Arithmetic(double x, double y) => (x - y) * (x + 2) / y - -x;
            }
            """,
        ["MathRules"] = """
            using System;
            using AutoDiffGen;
            public static partial class Calculus
            {
                [Differentiable]
                public static double MathRules(double x, double y) => Math.Exp(x * y) + Math.Log(y) * Math.Sin(x) + Math.Sqrt(x * x + 1);
            }
            """,
        ["PiecewiseRules"] = """
            using System;
            using AutoDiffGen;
            public static partial class Calculus
            {
                [Differentiable]
                public static double PiecewiseRules(double x, double y) => Math.Pow(x, y) + Math.Max(x, y) + Math.Clamp(x, 0.0, 1.0) + Math.Abs(y);
            }
            """,
        ["FloatMath"] = """
            using System;
            using AutoDiffGen;
            public static partial class Calculus
            {
                [Differentiable]
                public static float FloatMath(float x, float y) => MathF.Tanh(x) * y + (float)Math.Cos(x) + 0.5f * x;
            }
            """,
        ["IfElse"] = """
            using AutoDiffGen;
            public static partial class Branches
            {
                [Differentiable]
                public static double IfElse(double x, double y)
                {
                    double r = x;
                    if (x > y)
                    {
                        r = x * y;
                    }
                    else
                    {
                        r = r + y * y;
                    }
                    return r;
                }
            }
            """,
        ["EarlyReturn"] = """
            using AutoDiffGen;
            public static partial class Branches
            {
                [Differentiable]
                public static double EarlyReturn(double x)
                {
                    if (x < 0)
                    {
                        return -x;
                    }
                    double y = x * x;
                    return y * x;
                }
            }
            """,
        ["Ternary"] = """
            using AutoDiffGen;
            public static partial class Branches
            {
                [Differentiable]
                public static double Ternary(double x, double y) => x > y ? x * y : y / x;
            }
            """,
        ["Horner"] = """
            using AutoDiffGen;
            public static partial class Polynomials
            {
                // Horner's rule overwrites s in every iteration, so its old values go on a tape.
                [Differentiable]
                public static double Horner(double x, double[] c)
                {
                    double s = 0;
                    for (int i = 0; i < c.Length; i++)
                    {
                        s = s * x + c[i];
                    }
                    return s;
                }
            }
            """,
        ["NestedLoops"] = """
            using AutoDiffGen;
            public static partial class LinearAlgebra
            {
                [Differentiable]
                public static double QuadraticForm(double[] a, double[] v)
                {
                    int n = v.Length;
                    double total = 0;
                    for (int i = 0; i < n; i++)
                    {
                        double row = 0;
                        for (int j = 0; j < n; j++)
                        {
                            row += a[i * n + j] * v[j];
                        }
                        total += v[i] * row;
                    }
                    return total;
                }
            }
            """,
        ["ForEachOverSpan"] = """
            using System;
            using AutoDiffGen;
            public static partial class Sequences
            {
                [Differentiable]
                public static double LogSumExp(ReadOnlySpan<double> v)
                {
                    double sum = 0;
                    foreach (double value in v)
                    {
                        sum += Math.Exp(value);
                    }
                    return Math.Log(sum);
                }
            }
            """,
        ["WhileWithBreak"] = """
            using AutoDiffGen;
            public static partial class Sequences
            {
                [Differentiable]
                public static double Grow(double x)
                {
                    double s = x;
                    int steps = 0;
                    while (true)
                    {
                        s = s * 1.5 + x;
                        steps++;
                        if (s > 100 || steps >= 10)
                        {
                            break;
                        }
                    }
                    return s;
                }
            }
            """,
        ["DoWhileWithContinue"] = """
            using AutoDiffGen;
            public static partial class Sequences
            {
                [Differentiable]
                public static double Alternate(double x, int n)
                {
                    double s = 0;
                    int k = 0;
                    do
                    {
                        k++;
                        if (k % 2 == 0)
                        {
                            continue;
                        }
                        s += x * k;
                    }
                    while (k < n);
                    return s;
                }
            }
            """,
        ["LocalArray"] = """
            using AutoDiffGen;
            public static partial class Sequences
            {
                [Differentiable]
                public static double PrefixEnergy(double[] v)
                {
                    double[] prefix = new double[v.Length];
                    prefix[0] = v[0];
                    for (int i = 1; i < v.Length; i++)
                    {
                        prefix[i] = prefix[i - 1] + v[i];
                    }
                    double energy = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        energy += prefix[i] * prefix[i];
                    }
                    return energy;
                }
            }
            """,
        ["NoDerivativeData"] = """
            using AutoDiffGen;
            public static partial class Regression
            {
                // x and y are data: no adjoint, and no backward work for them.
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
            }
            """,
        ["CallsAnotherMethod"] = """
            using System;
            using AutoDiffGen;
            public static partial class Layers
            {
                [Differentiable]
                public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

                [Differentiable]
                public static double Neuron(double[] w, [NoDerivative] double[] input, double bias)
                {
                    double z = bias;
                    for (int i = 0; i < w.Length; i++)
                    {
                        z += w[i] * input[i];
                    }
                    return Sigmoid(z);
                }
            }
            """,
        ["NestedTypeInNamespace"] = """
            using AutoDiffGen;
            namespace Physics.Mechanics
            {
                public static partial class Energy
                {
                    internal partial class Springs
                    {
                        [Differentiable]
                        internal static double Potential(double k, double x) => 0.5 * k * x * x;
                    }
                }
            }
            """,
        ["ConstantResult"] = """
            using AutoDiffGen;
            public static partial class Calculus
            {
                [Differentiable]
                public static double ConstantResult(double x, int n) => n * 2.0;
            }
            """,        ["TensorLayer"] = """
            using AutoDiffGen;
            using AutoDiffGen.Tensors;
            public static partial class Network
            {
                // A layer composed of a primitive with a hand-written pullback and a generated bias add.
                [Differentiable]
                public static Tensor Layer(Tensor x, Tensor w, Tensor b) => TensorOps.AddBias(TensorOps.MatMul(x, w), b);

                // The whole loss of a tiny network; the inputs get no derivative, so no input-gradient product is asked for.
                [Differentiable]
                public static float Loss(Tensor w, Tensor b, [NoDerivative] Tensor x, [NoDerivative] Tensor targets)
                {
                    Tensor hidden = Layer(x, w, b);
                    float sum = 0f;
                    for (int i = 0; i < hidden.Length; i++)
                    {
                        float error = hidden[i] - targets[i];
                        sum += error * error;
                    }
                    return sum / hidden.Rows;
                }
            }
            """,
        ["TensorElementwise"] = """
            using System;
            using AutoDiffGen;
            using AutoDiffGen.Tensors;
            public static partial class Activation
            {
                [Differentiable]
                public static Tensor Softplus(Tensor x, float sharpness)
                {
                    Tensor y = new Tensor(x.Rows, x.Columns);
                    for (int row = 0; row < x.Rows; row++)
                    {
                        for (int column = 0; column < x.Columns; column++)
                        {
                            y[row, column] = MathF.Log(1f + MathF.Exp(sharpness * x[row, column])) / sharpness;
                        }
                    }
                    return y;
                }
            }
            """,
    };

    public static TheoryData<string> CaseNames => new(s_sources.Keys.OrderBy(k => k, System.StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Generates(string name)
    {
        GeneratorRun run = GeneratorHarness.Run(s_sources[name]);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.CompilationProblems);
        string generated = string.Join("\n// ----\n", run.Result.GeneratedSources.OrderBy(s => s.HintName, System.StringComparer.Ordinal)
            .Select(s => "// " + s.HintName + "\n" + s.SourceText));
        using (ApprovalResults.ForScenario(name))
        {
            Approvals.VerifyWithExtension(ScrubVersion(generated), ".cs");
        }
    }

    /// <summary>The generator's version changes with every build; the snapshot should not.</summary>
    private static string ScrubVersion(string text) => VersionPattern().Replace(text, "GeneratedCode(\"AutoDiffGen\", \"{version}\")");

    [GeneratedRegex("GeneratedCode\\(\"AutoDiffGen\", \"[^\"]*\"\\)")]
    private static partial Regex VersionPattern();
}
