/**
 * Common Swedish first and family names, for synthetic residents and clinicians. Names are common
 * ones across several generations (SCB's name statistics are the inspiration, not the source), so
 * a resident's name says nothing about a real person.
 */

export const FEMALE_NAMES = [
  'Anna', 'Eva', 'Maria', 'Karin', 'Sara', 'Kristina', 'Lena', 'Emma', 'Kerstin', 'Ingrid',
  'Marie', 'Malin', 'Jenny', 'Birgitta', 'Hanna', 'Inger', 'Linnéa', 'Annika', 'Elin', 'Ulla',
  'Sofia', 'Johanna', 'Elsa', 'Maja', 'Astrid', 'Alice', 'Ebba', 'Wilma', 'Saga', 'Agnes',
  'Margareta', 'Gunilla', 'Camilla', 'Åsa', 'Ida', 'Louise', 'Frida', 'Julia', 'Klara', 'Selma',
] as const;

export const MALE_NAMES = [
  'Lars', 'Mikael', 'Anders', 'Johan', 'Erik', 'Per', 'Karl', 'Peter', 'Thomas', 'Jan',
  'Daniel', 'Fredrik', 'Hans', 'Bengt', 'Andreas', 'Mats', 'Magnus', 'Stefan', 'Jonas', 'Mattias',
  'Oskar', 'Nils', 'Lucas', 'William', 'Hugo', 'Elias', 'Alexander', 'Liam', 'Noah', 'Adam',
  'Gustav', 'Olof', 'Sven', 'Göran', 'Björn', 'Henrik', 'Viktor', 'Axel', 'Emil', 'Ludvig',
] as const;

export const FAMILY_NAMES = [
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson',
  'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Jönsson',
  'Lindberg', 'Jakobsson', 'Magnusson', 'Lindström', 'Olofsson', 'Lindqvist', 'Lindgren', 'Berg',
  'Axelsson', 'Bergström', 'Lundberg', 'Lind', 'Lundgren', 'Lundqvist', 'Mattsson', 'Berglund',
  'Fredriksson', 'Sandberg', 'Henriksson', 'Forsberg', 'Sjöberg', 'Wallin', 'Engström', 'Eklund',
  'Danielsson', 'Lundin', 'Håkansson', 'Björk', 'Bergman', 'Gunnarsson', 'Holm', 'Wikström',
  'Samuelsson', 'Isaksson', 'Fransson', 'Bergqvist', 'Nyström', 'Holmberg', 'Arvidsson', 'Löfgren',
  'Söderberg', 'Nyberg', 'Blomqvist', 'Claesson', 'Nordström', 'Mårtensson', 'Lundström', 'Ali',
  'Mohammed', 'Hussein', 'Nguyen', 'Kovačević', 'Yilmaz', 'Abdi', 'Virtanen', 'Korhonen',
] as const;
