// Which images the run mode can execute: only the project's own, whatever its tag or digest,
// because a container is mapped onto the project's entry points in this checkout.

/** The repository part of an image reference: without `@digest` and without `:tag`. */
export function repositoryOf(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
}

export function isProjectImage(image: string, projectRepository: string): boolean {
  return repositoryOf(image) === projectRepository;
}
