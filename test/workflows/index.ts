/** Le paquet de workflows des tests : ceux du produit et ceux écrits pour tester les blocs. */
export * from '../../workflows';
export * from './essai-blocs';
export * from './essai-journal';
