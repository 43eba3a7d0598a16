using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AutoDiffGen.Generator.Diagnostics;
using AutoDiffGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>The parser's answer for one method: the model when it can be differentiated, and what to report either way.</summary>
/// <remarks>Cached by the pipeline: plain data only.</remarks>
internal sealed record ParseResult(MethodIr? Method, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Turns a method marked [Differentiable] (symbol, syntax and operations) into a <see cref="MethodIr"/> and diagnostics.
/// Symbols are used only here; nothing that leaves this class refers to them.
/// </summary>
internal static class MethodParser
{
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var diagnostics = new List<DiagnosticInfo>();
        LocationInfo? nameLocation = LocationInfo.From(syntax.Identifier.GetLocation());
        string name = method.Name;

        if (!method.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MethodMustBeStatic, nameLocation, name));
        }

        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericMethod, nameLocation, name));
        }

        ScalarKind returnKind = TypeMapping.ScalarKindOf(method.ReturnType);
        if (method.ReturnType.TypeKind == TypeKind.Error)
        {
            // Half-typed code: the compiler already reports the missing type.
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }
        if (!returnKind.IsReal() || method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedReturnType,
                LocationInfo.From(syntax.ReturnType),
                name,
                method.ReturnType.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
        }

        if (method.Parameters.Any(p => p.Type.TypeKind == TypeKind.Error))
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        TypeHierarchy? hierarchy = BuildHierarchy(method, syntax, name, diagnostics);
        List<ParameterIr> parameters = ParseParameters(method, name, diagnostics);
        CheckGeneratedNamesAreFree(method, name, nameLocation, diagnostics);

        if (syntax.Body is null && syntax.ExpressionBody is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingBody, nameLocation, name));
        }

        if (diagnostics.Count > 0 || hierarchy is null)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (context.SemanticModel.GetOperation(syntax, cancellationToken) is not IMethodBodyOperation body)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        var lowering = new OperationLowering(method, returnKind, parameters, cancellationToken);
        EquatableArray<IrStmt> statements = lowering.LowerBody(body);
        if (lowering.SawInvalidCode)
        {
            // The compiler reports errors in half-typed code itself; adding ours would only be noise.
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }
        diagnostics.AddRange(lowering.Diagnostics);
        if (diagnostics.Count > 0)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        var model = new MethodIr(
            hierarchy,
            name,
            Accessibility(method.DeclaredAccessibility),
            returnKind,
            parameters.ToEquatableArray(),
            lowering.Locals.ToEquatableArray(),
            statements,
            HintName(hierarchy, method));
        return new ParseResult(model, EquatableArray<DiagnosticInfo>.Empty);
    }

    private static List<ParameterIr> ParseParameters(IMethodSymbol method, string methodName, List<DiagnosticInfo> diagnostics)
    {
        var parameters = new List<ParameterIr>();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            TypeRef type = TypeMapping.From(parameter.Type);
            if (parameter.RefKind != RefKind.None)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedParameter,
                    LocationInfo.From(parameter.Locations.FirstOrDefault()),
                    parameter.Name,
                    methodName,
                    parameter.Type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
                    $" and is passed by '{parameter.RefKind.ToString().ToLowerInvariant()}'"));
                continue;
            }
            bool noDerivative = parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.NoDerivativeAttribute);
            bool differentiable = !noDerivative && type.IsReal && type.Shape != ValueShape.Span;
            parameters.Add(new ParameterIr(Identifiers.Escape(parameter.Name), type, differentiable));
        }
        return parameters;
    }

    private static void CheckGeneratedNamesAreFree(IMethodSymbol method, string name, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        foreach (string generated in new[] { name + "Gradient", name + "Pullback" })
        {
            if (!method.ContainingType.GetMembers(generated).IsEmpty)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.GeneratedNameTaken, location, method.ContainingType.Name, generated, name));
            }
        }
    }

    private static TypeHierarchy? BuildHierarchy(IMethodSymbol method, MethodDeclarationSyntax syntax, string name, List<DiagnosticInfo> diagnostics)
    {
        var types = new List<ContainingTypeInfo>();
        bool ok = true;
        SyntaxNode? node = syntax.Parent;
        while (node is TypeDeclarationSyntax declaration)
        {
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword) || declaration is InterfaceDeclarationSyntax)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.TypeMustBePartial, LocationInfo.From(declaration.Identifier.GetLocation()), name, declaration.Identifier.ValueText));
                ok = false;
            }
            types.Insert(0, new ContainingTypeInfo(Keywords(declaration), declaration.Identifier.ValueText + TypeParameters(declaration)));
            node = declaration.Parent;
        }
        if (!ok)
        {
            return null;
        }
        string ns = method.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : string.Empty;
        return new TypeHierarchy(ns, types.ToEquatableArray());
    }

    private static string Keywords(TypeDeclarationSyntax declaration)
    {
        string kind = declaration switch
        {
            RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
            RecordDeclarationSyntax => "record",
            StructDeclarationSyntax => "struct",
            _ => "class",
        };
        string modifiers = string.Join(" ", declaration.Modifiers
            .Where(m => m.IsKind(SyntaxKind.StaticKeyword) || m.IsKind(SyntaxKind.ReadOnlyKeyword) || m.IsKind(SyntaxKind.RefKeyword) || m.IsKind(SyntaxKind.UnsafeKeyword))
            .Select(m => m.Text));
        return (modifiers.Length > 0 ? modifiers + " " : string.Empty) + "partial " + kind;
    }

    private static string TypeParameters(TypeDeclarationSyntax declaration) =>
        declaration.TypeParameterList is null
            ? string.Empty
            : "<" + string.Join(", ", declaration.TypeParameterList.Parameters.Select(p => p.Identifier.ValueText)) + ">";

    private static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    /// <summary>One file per method; overloads get the parameter count, and more if that is not enough, so names stay unique and stable.</summary>
    private static string HintName(TypeHierarchy hierarchy, IMethodSymbol method)
    {
        string baseName = hierarchy.FileNameHint + "." + method.Name;
        IMethodSymbol[] overloads = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>()
            .Where(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.DifferentiableAttribute))
            .ToArray();
        if (overloads.Length <= 1)
        {
            return baseName + ".g.cs";
        }
        string signature = string.Join("_", method.Parameters.Select(p => Identifiers.FileSafe(p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat))));
        return $"{baseName}.{signature}.g.cs";
    }
}

/// <summary>Helpers for printing identifiers.</summary>
internal static class Identifiers
{
    /// <summary>Prefixes C# keywords with <c>@</c>.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

    /// <summary>Keeps letters, digits and underscores.</summary>
    public static string FileSafe(string text)
    {
        var builder = new System.Text.StringBuilder();
        foreach (char c in text)
        {
            builder.Append(char.IsLetterOrDigit(c) ? c : c == '[' ? 'A' : '_');
        }
        return builder.ToString();
    }
}
