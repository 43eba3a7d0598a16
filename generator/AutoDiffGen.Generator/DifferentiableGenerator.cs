using System;
using System.Text;
using System.Threading;
using AutoDiffGen.Generator.Diagnostics;
using AutoDiffGen.Generator.Differentiation;
using AutoDiffGen.Generator.Emission;
using AutoDiffGen.Generator.Ir;
using AutoDiffGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AutoDiffGen.Generator;

/// <summary>
/// The AutoDiffGen source generator: for every static method marked [Differentiable] it writes
/// <c>FGradient</c> and <c>FPullback</c> into the same partial class. Parse (symbols and operations to IR, the only
/// step that sees Roslyn objects) → Differentiate (IR to its reverse-mode program) → Emit (C# text); each step is a
/// tracked, cached Select, and diagnostics travel on an output of their own.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class DifferentiableGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // ForAttributeWithMetadataName visits only methods that carry the attribute, so typing elsewhere costs nothing here.
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.DifferentiableAttribute,
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax,
                transform: static (ctx, ct) => SafeParse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        // Diagnostics carry locations, so they change when code moves; keeping them apart lets the model stay cached.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, infos) =>
        {
            foreach (DiagnosticInfo info in infos)
            {
                spc.ReportDiagnostic(info.ToDiagnostic());
            }
        });

        IncrementalValuesProvider<MethodIr> methods = parsed
            .Where(static result => result.Method is not null)
            .Select(static (result, _) => result.Method!)
            .WithTrackingName(TrackingNames.Methods);

        IncrementalValuesProvider<GeneratedFile> files = methods
            .Select(static (method, ct) => SafeEmit(method, ct))
            .WithTrackingName(TrackingNames.Emit);

        context.RegisterSourceOutput(files, static (spc, file) =>
        {
            if (file.Error is not null)
            {
                spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, null, file.MethodName, file.Error));
                return;
            }
            spc.AddSource(file.HintName, SourceText.From(file.Text, Encoding.UTF8));
        });
    }

    private static ParseResult SafeParse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            ParseResult result = MethodParser.Parse(context, cancellationToken);
            if (result.Method is { } method && !ReverseMode.ResultDependsOnInputs(method))
            {
                LocationInfo? where = LocationInfo.From((context.TargetNode as Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax)?.Identifier.GetLocation());
                result = result with { Diagnostics = EquatableArray.Of(DiagnosticInfo.Create(DiagnosticDescriptors.ResultIsConstant, where, method.Name)) };
            }
            return result;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Never crash the compiler: an internal failure becomes a diagnostic on the method.
            return new ParseResult(null, EquatableArray.Of(DiagnosticInfo.Create(
                DiagnosticDescriptors.InternalError,
                LocationInfo.From(context.TargetNode.GetLocation()),
                context.TargetSymbol.Name,
                exception.GetType().Name + ": " + exception.Message)));
        }
    }

    private static GeneratedFile SafeEmit(MethodIr method, CancellationToken cancellationToken)
    {
        try
        {
            AdjointMethod adjoint = ReverseMode.Differentiate(method, cancellationToken);
            return new GeneratedFile(method.HintName, method.Name, GradientEmitter.Emit(adjoint), null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new GeneratedFile(method.HintName, method.Name, string.Empty, exception.GetType().Name + ": " + exception.Message);
        }
    }
}

/// <summary>One generated file, or the reason it could not be written.</summary>
internal sealed record GeneratedFile(string HintName, string MethodName, string Text, string? Error);
