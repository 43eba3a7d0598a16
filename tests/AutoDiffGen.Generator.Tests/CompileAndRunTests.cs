using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Tests;

/// <summary>Runs the generator through CSharpGeneratorDriver, compiles its output, loads it and calls the gradients.</summary>
public class CompileAndRunTests
{
    private static double[] Call(Assembly assembly, string type, string method, params object?[] args)
    {
        MethodInfo info = assembly.GetType(type)!.GetMethod(method)!;
        object? value = info.Invoke(null, args);
        return [(double)value!, .. args.Skip(info.GetParameters().Count(p => !p.IsOut)).Select(a => (double)a!)];
    }

    [Fact]
    public void A_square_gets_a_gradient_that_compiles_and_runs()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AutoDiffGen;
            public static partial class M
            {
                [Differentiable] public static double F(double x) => x * x;
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assert.Equal([9.0, 6.0], Call(run.Load(), "M", "FGradient", 3.0, null));
    }

    [Fact]
    public void Branches_loops_and_calls_give_the_hand_derivative()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System;
            using AutoDiffGen;
            namespace Demo;
            public static partial class Model
            {
                [Differentiable]
                public static double Cube(double x) => x * x * x;

                [Differentiable]
                public static double F(double x, double y)
                {
                    double s = 0;
                    for (int k = 1; k <= 3; k++)
                    {
                        if (k == 2) continue;
                        s += Cube(x) * k;      // k = 1 and 3: 4x³
                    }
                    return y > 0 ? s * Math.Exp(y) : s;
                }
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assembly assembly = run.Load();
        double x = 1.5, y = 0.25;
        double[] result = Call(assembly, "Demo.Model", "FGradient", x, y, null, null);
        Assert.Equal(4 * x * x * x * Math.Exp(y), result[0], 12);
        Assert.Equal(12 * x * x * Math.Exp(y), result[1], 12);
        Assert.Equal(4 * x * x * x * Math.Exp(y), result[2], 12);
    }

    [Fact]
    public void Pullbacks_reach_differentiable_methods_in_a_referenced_assembly()
    {
        GeneratorRun library = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(
            ["""
            using AutoDiffGen;
            namespace Lib;
            public static partial class Shapes
            {
                [Differentiable] public static double Area(double r) => 3.0 * r * r;
            }
            """], null, "Lib"));
        Assert.Empty(library.CompilationProblems);
        using var image = new MemoryStream();
        Assert.True(library.OutputCompilation.Emit(image).Success);
        MetadataReference reference = MetadataReference.CreateFromImage(image.ToArray());

        GeneratorRun app = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(
            ["""
            using AutoDiffGen;
            public static partial class App
            {
                [Differentiable] public static double Twice(double r) => 2.0 * Lib.Shapes.Area(r);
            }
            """], [reference], "App"));
        Assert.Empty(app.GeneratorDiagnostics);
        Assert.Empty(app.CompilationProblems);
        Assert.Contains("global::Lib.Shapes.AreaPullback(", app.GeneratedSource("App.Twice.g.cs"), StringComparison.Ordinal);

        // Load the library first so that the app's reference to it resolves.
        Assembly libraryAssembly = Assembly.Load(image.ToArray());
        AppDomain.CurrentDomain.AssemblyResolve += (_, e) => e.Name.StartsWith("Lib,", StringComparison.Ordinal) ? libraryAssembly : null;
        Assert.Equal([6.0, 12.0], Call(app.Load(), "App", "TwiceGradient", 1.0, null)); // 2·3r² and its derivative 12r at r = 1
    }

    [Fact]
    public void Float_methods_get_float_gradients()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System;
            using AutoDiffGen;
            public static partial class M
            {
                [Differentiable] public static float F(float x, float[] w) => MathF.Sin(x) * w[0] + w[1] * x;
            }
            """);
        Assert.Empty(run.CompilationProblems);
        MethodInfo gradient = run.Load().GetType("M")!.GetMethod("FGradient")!;
        Assert.Equal(typeof(float), gradient.ReturnType);
        Assert.Equal(typeof(float).MakeByRefType(), gradient.GetParameters()[2].ParameterType);
        Assert.Equal(typeof(Span<float>), gradient.GetParameters()[3].ParameterType);
    }
}
